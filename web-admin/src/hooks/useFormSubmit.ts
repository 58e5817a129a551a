import type { FormInstance } from 'antd';
import { useState } from 'react';
import { useErrorReporter } from './useApi';

/**
 * The submit of a form in a modal: validate, send, reset and report success, or put the server's
 * field errors on the form. `busy` drives the OK button's spinner.
 */
export function useFormSubmit<T, R = unknown>(
  form: FormInstance<T>,
  send: (values: T) => Promise<R>,
  onSaved: (result: R) => void,
): { submit: () => Promise<void>; busy: boolean } {
  const report = useErrorReporter();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setBusy(true);
    try {
      const result = await send(values);
      form.resetFields();
      onSaved(result);
    } catch (e) {
      report(e, form);
    } finally {
      setBusy(false);
    }
  };
  return { submit, busy };
}
