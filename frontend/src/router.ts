import { Files, Odometer, Refresh, Setting, Stamp, Tickets } from '@element-plus/icons-vue'
import type { Component } from 'vue'
import { createRouter, createWebHashHistory, type RouterHistory, type RouteRecordRaw } from 'vue-router'
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
    path: '/',
    component: () => import('./components/AppShell.vue'),
    redirect: { name: 'dashboard' },
    children: menu.map((m) => ({ path: m.name, name: m.name, component: views[m.name] })),
  },
  { path: '/:rest(.*)*', redirect: { name: 'dashboard' } },
]

/**
 * createAppRouter builds the router. Wails serves the app from one file, so
 * history lives in the URL hash. Every page but sign-in needs a signed-in
 * staff member.
 */
export function createAppRouter(history: RouterHistory = createWebHashHistory()) {
  const router = createRouter({ history, routes })
  router.beforeEach(async (to) => {
    const session = useSessionStore()
    await session.load()
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
