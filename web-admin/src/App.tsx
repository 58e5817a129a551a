import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { SessionProvider } from './auth/session';
import { routes } from './routes';

const router = createBrowserRouter(routes);

/** No antd here: each page brings it with its own chunk (shell/AntdScope.tsx via routes.tsx). */
export function App() {
  return (
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  );
}
