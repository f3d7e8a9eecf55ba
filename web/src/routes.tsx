// The app's pages and their Swedish paths. Each page is its own chunk (React.lazy), so a reporter's first
// load carries only the shell and the report page. server/web.py lists the same first path segments.
import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { RequireLogin } from './auth/session';
import { Layout } from './components/Layout';
import { t } from './text';

const Start = lazy(() => import('./pages/Start'));
const Login = lazy(() => import('./pages/Login'));
const LoginCallback = lazy(() => import('./pages/LoginCallback'));
const Report = lazy(() => import('./pages/Report'));
const MyReports = lazy(() => import('./pages/MyReports'));
const Feedback = lazy(() => import('./pages/Feedback'));
const FollowFeedback = lazy(() => import('./pages/FollowFeedback'));
const Worklist = lazy(() => import('./pages/Worklist'));
const TaskPage = lazy(() => import('./pages/TaskPage'));
const EventPage = lazy(() => import('./pages/EventPage'));
const Actions = lazy(() => import('./pages/Actions'));
const Audit = lazy(() => import('./pages/Audit'));
const Studio = lazy(() => import('./pages/Studio'));
const Notifications = lazy(() => import('./pages/Notifications'));
const NotificationSettings = lazy(() => import('./pages/NotificationSettings'));
const Outbox = lazy(() => import('./pages/Outbox'));
const Statistics = lazy(() => import('./pages/Statistics'));
const AnnualReport = lazy(() => import('./pages/AnnualReport'));
const Deputies = lazy(() => import('./pages/Deputies'));

const guarded = (element: React.ReactNode) => <RequireLogin>{element}</RequireLogin>;

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Start /> },
      { path: '/logga-in', element: <Login /> },
      { path: '/inloggad', element: <LoginCallback /> },
      { path: '/synpunkter', element: <Feedback /> },
      { path: '/synpunkter/folj', element: <FollowFeedback /> },
      { path: '/synpunkter/:entity', element: <Feedback /> },
      { path: '/rapportera', element: guarded(<Report />) },
      { path: '/mina-rapporter', element: guarded(<MyReports />) },
      { path: '/arbetslista', element: guarded(<Worklist />) },
      { path: '/uppgifter/:id', element: guarded(<TaskPage />) },
      { path: '/handelser', element: guarded(<MyReports />) },
      { path: '/handelser/:number', element: guarded(<EventPage />) },
      { path: '/atgarder', element: guarded(<Actions />) },
      { path: '/statistik', element: guarded(<Statistics />) },
      { path: '/logg', element: guarded(<Audit />) },
      { path: '/logg/:number', element: guarded(<Audit />) },
      { path: '/studio', element: guarded(<Studio />) },
      { path: '/notiser', element: guarded(<Notifications />) },
      { path: '/notiser/installningar', element: guarded(<NotificationSettings />) },
      { path: '/utkorg', element: guarded(<Outbox />) },
      { path: '/arsrapport', element: guarded(<AnnualReport />) },
      { path: '/ersattare', element: guarded(<Deputies />) },
      { path: '*', element: <p>{t.notFound}</p> },
    ],
  },
];
