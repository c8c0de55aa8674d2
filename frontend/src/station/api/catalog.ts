import { call } from './transport'
import type { ImportResult, Item, ItemSummary } from './types'

/** findItems searches the catalog by name, code or pinyin initials ("" lists all). */
export async function findItems(query: string): Promise<ItemSummary[]> {
  return (await call('FindItems', query)) ?? []
}

/** item returns the newest published version of an item. */
export function item(code: string): Promise<Item> {
  return call('Item', code)
}

/** importCatalog imports a catalog from its JSON text. */
export function importCatalog(jsonText: string): Promise<ImportResult> {
  return call('ImportCatalog', jsonText)
}

/** importCatalogFile imports a catalog from a file path on this computer. */
export function importCatalogFile(path: string): Promise<ImportResult> {
  return call('ImportCatalogFile', path)
}
