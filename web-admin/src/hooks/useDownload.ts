import { useState } from 'react';
import { downloadFile, withQuery } from '../api/client';
import type { Filters } from './usePaged';
import { useErrorReporter } from './useApi';

/** Authenticated file download with a busy flag and the house error reporting. */
export function useDownload() {
  const report = useErrorReporter();
  const [busy, setBusy] = useState(false);
  const download = async (path: string, fallbackName: string, filters?: Filters) => {
    setBusy(true);
    try {
      await downloadFile(withQuery(path, filters), fallbackName);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, download };
}
