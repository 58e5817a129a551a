import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initialLang, setLang } from './i18n';
import { App } from './App';

const render = () =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );

// A user who chose English before sees English from the first paint (its texts load first).
if (initialLang() === 'zh-CN') render();
else void setLang(initialLang()).finally(render);
