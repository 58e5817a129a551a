import { useCallback, useEffect, useState } from 'react';

/** What the inspector typed and has not sent yet: kept on the phone per target, so a reload loses nothing. */
export interface OnSiteDraft {
  findings?: string;
  explained?: string;
  noCode?: string;
  signerName?: string;
  hazardCategory?: string;
  hazardLevel?: string;
  hazardDescription?: string;
  hazardDeadline?: string;
  hazardNote?: string;
}

export const draftKey = (planId: string, position: string | number) => `arcgate.inspection-draft:${planId}:${position}`;

function read(key: string): OnSiteDraft {
  try {
    const raw = localStorage.getItem(key);
    const v: unknown = raw ? JSON.parse(raw) : null;
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** The draft of one target: read once, written on every change, cleared when the record is signed. */
export function useDraft(key: string) {
  const [draft, setDraft] = useState<OnSiteDraft>(() => read(key));
  useEffect(() => setDraft(read(key)), [key]);
  const update = useCallback(
    (patch: Partial<OnSiteDraft>) =>
      setDraft((d) => {
        const next = { ...d, ...patch };
        try {
          localStorage.setItem(key, JSON.stringify(next));
        } catch {
          // Storage full or disabled: the draft lives as long as the page.
        }
        return next;
      }),
    [key],
  );
  const clear = useCallback(() => {
    try {
      localStorage.removeItem(key);
    } catch {
      // nothing kept
    }
    setDraft({});
  }, [key]);
  return { draft, update, clear };
}
