import { App } from 'antd';
import type { FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCallback } from 'react';
import { errorText, formFieldErrors } from '../i18n/errors';

export { useApi, type ApiState } from './useResource';

/**
 * Shows a server error the way the house style wants: the error in the user's language as an antd toast
 * and, when a form is given, each field error under its field.
 */
export function useErrorReporter() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    (err: unknown, form?: FormInstance) => {
      if (form) {
        const fields = formFieldErrors(t, err);
        if (fields.length) form.setFields(fields);
      }
      void message.error(errorText(t, err));
    },
    [message, t],
  );
}
