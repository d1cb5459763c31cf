/** Compresses a photo in the browser: longest side at most 1600 px, JPEG quality 0.8. */
export async function compressImage(file: Blob, maxSide = 1600, quality = 0.8): Promise<Blob> {
  if (!file.type.startsWith('image/') || file.type === 'image/gif' || file.type === 'image/svg+xml')
    return file;
  const img = await loadImage(file);
  const scale = Math.min(1, maxSide / Math.max(img.width, img.height));
  const width = Math.max(1, Math.round(img.width * scale));
  const height = Math.max(1, Math.round(img.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return file;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(img.source, 0, 0, width, height);
  img.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  if (!blob) return file;
  // Keep the original when it is already smaller (e.g. a small, well-compressed JPEG).
  return blob.size < file.size || file.type !== 'image/jpeg' ? blob : file;
}

interface Loaded {
  source: CanvasImageSource;
  width: number;
  height: number;
  close: () => void;
}

async function loadImage(file: Blob): Promise<Loaded> {
  if (typeof createImageBitmap === 'function') {
    try {
      const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return { source: bmp, width: bmp.width, height: bmp.height, close: () => bmp.close() };
    } catch {
      /* fall back to an <img> element */
    }
  }
  const url = URL.createObjectURL(file);
  const el = new Image();
  await new Promise<void>((resolve, reject) => {
    el.onload = () => resolve();
    el.onerror = () => reject(new Error('image decode failed'));
    el.src = url;
  });
  return {
    source: el,
    width: el.naturalWidth,
    height: el.naturalHeight,
    close: () => URL.revokeObjectURL(url),
  };
}

/** A JPEG file name for a compressed photo. */
export function jpegName(original: string): string {
  const base = original.replace(/\.[^.]+$/, '') || 'photo';
  return `${base}.jpg`;
}
