import { Files, Odometer, Refresh, Setting, Stamp, Tickets } from '@element-plus/icons-vue'
import type { Component } from 'vue'
import { createRouter, createWebHashHistory, START_LOCATION, type RouterHistory, type RouteRecordRaw } from 'vue-router'
import { usePrefsStore } from './stores/prefs'
import { useSessionStore } from './stores/session'

/** MenuEntry is one item of the left menu; its route name is also its i18n key. */
export interface MenuEntry {
  name: 'dashboard' | 'queue' | 'intake' | 'cases' | 'sync' | 'settings'
  icon: Component
}

/** menu lists the work areas in the order the left menu shows them. */
export const menu: readonly MenuEntry[] = [
  { name: 'dashboard', icon: Odometer },
  { name: 'queue', icon: Tickets },
  { name: 'intake', icon: Stamp },
  { name: 'cases', icon: Files },
  { name: 'sync', icon: Refresh },
  { name: 'settings', icon: Setting },
]

const views: Record<MenuEntry['name'], () => Promise<Component>> = {
  dashboard: () => import('./views/DashboardView.vue'),
  queue: () => import('./views/QueueView.vue'),
  intake: () => import('./views/IntakeView.vue'),
  cases: () => import('./views/CasesView.vue'),
  sync: () => import('./views/SyncView.vue'),
  settings: () => import('./views/SettingsView.vue'),
}

export const routes: RouteRecordRaw[] = [
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./views/SignInView.vue'),
    meta: { public: true },
  },
  {
    // The self-service kiosk: full screen, no staff sign-in.
    path: '/kiosk',
    name: 'kiosk',
    component: () => import('./views/KioskView.vue'),
    meta: { public: true },
  },
  {
    // The waiting-room display: calls and next numbers, no sign-in.
    path: '/display',
    name: 'display',
    component: () => import('./views/DisplayView.vue'),
    meta: { public: true },
  },
  {
    // A window's rating pad: the citizen rates the visit the clerk invited.
    path: '/pad',
    name: 'pad',
    component: () => import('./views/PadView.vue'),
    meta: { public: true },
  },
  {
    path: '/',
    component: () => import('./components/shell/AppShell.vue'),
    redirect: { name: 'dashboard' },
    children: [
      ...menu.map((m) => ({ path: m.name, name: m.name, component: views[m.name] })),
      { path: 'cases/:id', name: 'case', component: () => import('./views/CaseDetailView.vue'), props: true },
      {
        path: 'cases/:id/print/:kind',
        name: 'print',
        component: () => import('./views/PrintView.vue'),
        props: true,
      },
    ],
  },
  { path: '/:rest(.*)*', redirect: { name: 'dashboard' } },
]

/**
 * createAppRouter builds the router. Wails serves the app from one file, so
 * history lives in the URL hash. Every page but sign-in and the kiosk needs
 * a signed-in staff member. A computer set up as a kiosk opens the kiosk.
 */
export function createAppRouter(history: RouterHistory = createWebHashHistory()) {
  const router = createRouter({ history, routes })
  router.beforeEach(async (to, from) => {
    const session = useSessionStore()
    await session.load()
    if (from === START_LOCATION && to.name !== 'kiosk' && to.name !== 'display' && to.name !== 'pad' && usePrefsStore().kioskOnStart) return { name: 'kiosk' }
    if (to.name === 'sign-in' && session.signedIn) return { name: 'dashboard' }
    if (to.meta.public || session.signedIn) return true
    return { name: 'sign-in', query: { redirect: to.fullPath } }
  })
  return router
}

declare module 'vue-router' {
  interface RouteMeta {
    /** public pages are reachable without signing in. */
    public?: boolean
  }
}
