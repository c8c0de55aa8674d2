import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router'
import { setUnauthorizedHandler } from './api/client'
import type { Permission } from './api/types'
import { useSessionStore } from './stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** public routes need no session */
    public?: boolean
    /** the permission a route needs, beyond being signed in */
    perm?: Permission
    /** bare routes have no menu and top bar (printing) */
    bare?: boolean
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/inbox' },
  { path: '/signin', name: 'signin', component: () => import('./views/SignInView.vue'), meta: { public: true, bare: true } },
  { path: '/inbox', name: 'inbox', component: () => import('./views/InboxView.vue') },
  { path: '/cases', name: 'search', component: () => import('./views/SearchView.vue') },
  { path: '/cases/:id', name: 'case', component: () => import('./views/CaseView.vue'), props: true },
  {
    path: '/cases/:id/print/:kind',
    name: 'print',
    component: () => import('./views/PrintView.vue'),
    props: true,
    meta: { bare: true, perm: 'cases.unmask' },
  },
  { path: '/catalog', name: 'catalog', component: () => import('./views/CatalogView.vue') },
  { path: '/calendar', name: 'calendar', component: () => import('./views/CalendarView.vue') },
  { path: '/stations', name: 'stations', component: () => import('./views/StationsView.vue') },
  { path: '/reviews', name: 'reviews', component: () => import('./views/ReviewsView.vue') },
  { path: '/stats', name: 'stats', component: () => import('./views/StatsView.vue') },
  { path: '/:rest(.*)*', redirect: '/inbox' },
]

/**
 * createConsoleRouter makes the console's router under /console/. Routes
 * need a session unless public; a session that ends mid-way (idle, signed
 * out elsewhere) sends the user to sign in and back afterwards.
 */
export function createConsoleRouter(): Router {
  const router = createRouter({ history: createWebHistory('/console/'), routes })
  router.beforeEach(async (to) => {
    const session = useSessionStore()
    if (!session.checked) {
      try {
        await session.load()
      } catch {
        // the hall is unreachable: the sign-in page says so when used
      }
    }
    if (to.meta.public) return true
    if (!session.signedIn) return { name: 'signin', query: { next: to.fullPath } }
    if (to.meta.perm && !session.can(to.meta.perm)) return { name: 'inbox' }
    return true
  })
  setUnauthorizedHandler(() => {
    const session = useSessionStore()
    session.expired()
    const cur = router.currentRoute.value
    if (!cur.meta.public) router.replace({ name: 'signin', query: { next: cur.fullPath, expired: '1' } })
  })
  return router
}
