import 'element-plus/dist/index.css'
import '@shared/styles/theme.css'
import './styles/console.css'

import ElementPlus from 'element-plus'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import ConsoleApp from './ConsoleApp.vue'
import { i18n } from './i18n'
import { createConsoleRouter } from './router'

const app = createApp(ConsoleApp)
app.use(createPinia())
app.use(i18n)
app.use(ElementPlus)
const router = createConsoleRouter()
app.use(router)
// Mount once the first route is resolved, so the sign-in page never flashes
// the menu of a session that has ended.
router.isReady().then(() => app.mount('#console'))
