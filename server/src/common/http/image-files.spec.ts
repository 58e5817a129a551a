import { chunk, png } from '../../../test-support/images';
import { cleanImage } from './image-files';

const seg = (marker: number, body: Buffer) => {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length + 2);
  return Buffer.concat([Buffer.from([0xff, marker]), len, body]);
};
/** A structurally complete JPEG (not decodable: the scan is filler), w×h, with the given segments before the frame. */
function jpeg(w: number, h: number, before: Buffer[] = []): Buffer {
  const sof = Buffer.from([8, h >> 8, h & 255, w >> 8, w & 255, 1, 1, 0x11, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    ...before,
    seg(0xc0, sof),
    seg(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

describe('cleanImage', () => {
  it('keeps a PNG whole but drops its text and EXIF chunks', () => {
    const withText = png(80, 100, [
      chunk('tEXt', Buffer.from('Comment\0GPS 34.17N 116.00E', 'latin1')),
      chunk('eXIf', Buffer.from('MM\0*GPS')),
    ]);
    const r = cleanImage(withText);
    expect(r).toMatchObject({ ok: true, contentType: 'image/png', width: 80, height: 100 });
    if (!r.ok) return;
    expect(r.data.includes(Buffer.from('GPS'))).toBe(false);
    expect(r.data.equals(png(80, 100))).toBe(true);
  });

  it('drops EXIF, XMP and comments from a JPEG and keeps the rest byte for byte', () => {
    const exif = seg(0xe1, Buffer.from('Exif\0\0GPSLatitude 34.17', 'latin1'));
    const comment = seg(0xfe, Buffer.from('taken at home', 'latin1'));
    const r = cleanImage(jpeg(640, 480, [exif, comment]));
    expect(r).toMatchObject({ ok: true, contentType: 'image/jpeg', width: 640, height: 480 });
    if (!r.ok) return;
    expect(r.data.includes(Buffer.from('GPSLatitude'))).toBe(false);
    expect(r.data.includes(Buffer.from('taken at home'))).toBe(false);
    expect(r.data.equals(jpeg(640, 480))).toBe(true);
  });

  it.each([
    ['text', Buffer.from('not an image at all, just words'), 'unsupportedType'],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'unsupportedType'],
    ['a PDF named .jpg', Buffer.from('%PDF-1.7\n...'), 'unsupportedType'],
    ['a JPEG cut short', jpeg(640, 480).subarray(0, 30), 'damaged'],
    ['a JPEG with bytes after its end', Buffer.concat([jpeg(640, 480), Buffer.from('<?php ?>')]), 'damaged'],
    ['a JPEG without a frame', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9]), 'damaged'],
    ['a PNG cut short', png(80, 80).subarray(0, 40), 'damaged'],
    ['a PNG with bytes after IEND', Buffer.concat([png(80, 80), Buffer.from('zip')]), 'damaged'],
    ['a PNG with an unknown critical chunk', png(80, 80, [chunk('ZZZZ', Buffer.from('x'))]), 'damaged'],
    ['a 1×1 tracking pixel', png(1, 1), 'dimensions'],
    ['a JPEG 9000 px wide', jpeg(9000, 480), 'dimensions'],
  ])('refuses %s', (_what, bytes, problem) => {
    expect(cleanImage(bytes)).toEqual({ ok: false, problem });
  });
});
