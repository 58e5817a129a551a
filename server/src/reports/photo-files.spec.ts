import { DomainError } from '../common/errors/domain-error';
import { checkPhotos, MAX_PHOTO_BYTES, sniffPhotoType, UploadedPhoto } from './photo-files';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
const file = (buffer: Buffer, mimetype = 'image/jpeg'): UploadedPhoto => ({
  originalname: 'x.jpg',
  mimetype,
  size: buffer.length,
  buffer,
});
const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('did not throw');
};

describe('report photos', () => {
  it('recognise JPEG and PNG by their bytes', () => {
    expect(sniffPhotoType(JPEG)).toBe('image/jpeg');
    expect(sniffPhotoType(PNG)).toBe('image/png');
    expect(sniffPhotoType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffPhotoType(Buffer.alloc(0))).toBeNull();
  });

  it('accept up to three, whatever type the client claimed', () => {
    expect(checkPhotos(undefined)).toEqual([]);
    expect(
      checkPhotos([file(JPEG, 'application/octet-stream'), file(PNG, 'image/jpeg')]).map((p) => p.contentType),
    ).toEqual(['image/jpeg', 'image/png']);
  });

  it('refuse a fourth photo, an empty one, a huge one and a disguised one', () => {
    expect(failure(() => checkPhotos([file(JPEG), file(JPEG), file(JPEG), file(JPEG)])).fields).toEqual([
      expect.objectContaining({ field: 'photos', code: 'arrayMaxSize' }),
    ]);
    expect(failure(() => checkPhotos([file(Buffer.alloc(0))])).fields[0]).toMatchObject({
      field: 'photos[0]',
      code: 'isNotEmpty',
    });
    expect(
      failure(() => checkPhotos([file(JPEG), file(Buffer.concat([JPEG, Buffer.alloc(MAX_PHOTO_BYTES)]))])).code,
    ).toBe('PAYLOAD_TOO_LARGE');
    const disguised = failure(() => checkPhotos([file(Buffer.from('<svg onload=alert(1)>'), 'image/png')]));
    expect(disguised.code).toBe('UNSUPPORTED_FILE');
    expect(disguised.fields[0]).toMatchObject({ field: 'photos[0]', code: 'unsupportedFile' });
  });
});
