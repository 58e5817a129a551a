import { describe, expect, it } from 'vitest';
import { multipart } from './hazardsApi';

describe('hazard multipart bodies', () => {
  it('sends filled fields as text and every photo under "photos"; empty fields stay out', () => {
    const photo = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], '整改后.png', { type: 'image/png' });
    const fd = multipart(
      { note: '已整改', latitude: 34.1721, longitude: undefined, legalBasis: '', enterpriseId: null },
      [photo, new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' })],
    );
    expect([...fd.keys()]).toEqual(['note', 'latitude', 'photos', 'photos']);
    expect(fd.get('latitude')).toBe('34.1721');
    const sent = fd.getAll('photos') as File[];
    expect(sent.map((f) => f.name)).toEqual(['整改后.png', 'photo-2.jpg']);
  });
});
