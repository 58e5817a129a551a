import { escapeHtml, LABEL_SHEET_TITLE, renderLabelSheet } from './label-sheet';

describe('label sheet', () => {
  it('escapes every text field', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = renderLabelSheet(
      [
        {
          machineName: '<script>alert(1)</script>',
          serialNumber: 'S&N"1',
          enterpriseName: "O'Brien <b>",
          code: 'M123',
          qrSvg: '<svg viewBox="0 0 1 1"></svg>',
        },
      ],
      '2026-05-01',
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('S&amp;N&quot;1');
    expect(html).toContain('O&#39;Brien &lt;b&gt;');
    expect(html).toContain('<svg viewBox="0 0 1 1"></svg>');
  });

  it('is an A4 page with a heading, print date and one label per machine', () => {
    const labels = ['A', 'B', 'C'].map((x) => ({
      machineName: `焊机${x}`,
      serialNumber: `SN-${x}`,
      enterpriseName: '恒达',
      code: `M${x}`,
      qrSvg: '<svg></svg>',
    }));
    const html = renderLabelSheet(labels, '2026-05-01');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toMatch(/@page\s*\{\s*size:\s*A4/);
    expect(html).toContain(`<h1>${LABEL_SHEET_TITLE}</h1>`);
    expect(html).toContain('打印日期 2026-05-01');
    expect(html.match(/class="label"/g)).toHaveLength(3);
    expect(html.indexOf('SN-A')).toBeLessThan(html.indexOf('SN-B'));
  });
});
