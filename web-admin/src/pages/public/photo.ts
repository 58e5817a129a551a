// Phone cameras produce 3–12 MB photos; the server takes at most 5 MB each. Shrink before sending.

export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const MAX_EDGE = 1920;

export class PhotoError extends Error {
  constructor(readonly reason: 'unreadable' | 'tooLarge') {
    super(reason);
  }
}

function loadImage(file: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new PhotoError('unreadable'));
    };
    img.src = url;
  });
}

/**
 * A JPEG at most 1920 px on its longest edge. Images the browser cannot decode (HEIC on some
 * phones) are sent as they are if they are small JPEG/PNG files, refused otherwise.
 */
export async function preparePhoto(file: File): Promise<Blob> {
  let img: HTMLImageElement;
  try {
    img = await loadImage(file);
  } catch {
    if ((file.type === 'image/jpeg' || file.type === 'image/png') && file.size <= MAX_PHOTO_BYTES) return file;
    throw new PhotoError('unreadable');
  }
  const scale = Math.min(1, MAX_EDGE / Math.max(img.naturalWidth, img.naturalHeight));
  if (scale === 1 && file.type === 'image/jpeg' && file.size <= MAX_PHOTO_BYTES) return file;
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
  canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  if (!blob) throw new PhotoError('unreadable');
  if (blob.size > MAX_PHOTO_BYTES) throw new PhotoError('tooLarge');
  return blob;
}
