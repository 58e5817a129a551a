/**
 * Text shown to the public (anyone who scans a code) that enterprises typed freely: a machine called
 * "张工 13900001111 的焊机" must not publish the phone. Any run of 7 or more digits (phone, ID number,
 * landline number) and a mobile written in groups ("139 1234 5678") is replaced by asterisks; short
 * numbers such as a model "ZX7-400" stay readable.
 */
const DIGIT_RUN = /1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|\d{7,}[Xx]?/g;

export function redactPersonalDigits(text: string): string {
  return text.replace(DIGIT_RUN, (m) => m.replace(/[\dXx]/g, '*'));
}

/** Digit runs that look like a mainland mobile, a resident ID number or a landline: what public answers must never carry. */
export const PERSONAL_DIGITS = /1[3-9]\d{9}|\d{17}[\dXx]|\d{15}|0\d{2,3}-?\d{7,8}/;
