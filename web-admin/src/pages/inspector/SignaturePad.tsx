import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

export interface SignaturePadHandle {
  clear(): void;
  /** The drawing as PNG, or null when nothing was drawn. */
  toPng(): Promise<Blob | null>;
}

/**
 * A signature box for a finger or a stylus: pointer events on a canvas (no library: a few lines do it).
 * The canvas is drawn at up to 2× the CSS size, which keeps the PNG sharp and well under the 200 KB limit.
 */
export const SignaturePad = forwardRef<SignaturePadHandle, { label: string; onInk?: (inked: boolean) => void }>(
  function SignaturePad({ label, onInk }, ref) {
    const canvas = useRef<HTMLCanvasElement>(null);
    const inked = useRef(false);
    const last = useRef<{ x: number; y: number } | null>(null);
    const inkCb = useRef(onInk);
    inkCb.current = onInk;

    useEffect(() => {
      const c = canvas.current;
      if (!c) return;
      const scale = Math.min(2, window.devicePixelRatio || 1);
      const rect = c.getBoundingClientRect();
      c.width = Math.round(rect.width * scale);
      c.height = Math.round(rect.height * scale);
      const ctx = c.getContext('2d');
      if (!ctx) return;
      ctx.scale(scale, scale);
      ctx.lineWidth = 2.5;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.strokeStyle = '#111';
    }, []);

    const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
      const r = e.currentTarget.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };

    useImperativeHandle(ref, () => ({
      clear() {
        const c = canvas.current;
        c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
        inked.current = false;
        inkCb.current?.(false);
      },
      toPng() {
        const c = canvas.current;
        if (!c || !inked.current) return Promise.resolve(null);
        return new Promise((resolve) => c.toBlob((b) => resolve(b), 'image/png'));
      },
    }));

    return (
      <canvas
        ref={canvas}
        className="i-signature"
        role="img"
        aria-label={label}
        data-testid="signature-pad"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          last.current = point(e);
        }}
        onPointerMove={(e) => {
          if (!last.current) return;
          const ctx = e.currentTarget.getContext('2d');
          const p = point(e);
          if (!ctx) return;
          ctx.beginPath();
          ctx.moveTo(last.current.x, last.current.y);
          ctx.lineTo(p.x, p.y);
          ctx.stroke();
          last.current = p;
          if (!inked.current) {
            inked.current = true;
            inkCb.current?.(true);
          }
        }}
        onPointerUp={() => (last.current = null)}
        onPointerCancel={() => (last.current = null)}
      />
    );
  },
);
