/** A file read for upload: the base64 payload without the data: prefix. */
export interface FilePayload {
  name: string
  mime: string
  base64: string
}

/** readFileBase64 reads a picked file (scan, photo) for AttachScan. */
export function readFileBase64(file: File): Promise<FilePayload> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => {
      const url = String(r.result)
      const comma = url.indexOf(',')
      resolve({ name: file.name, mime: file.type || 'application/octet-stream', base64: comma >= 0 ? url.slice(comma + 1) : url })
    }
    r.onerror = () => reject(r.error ?? new Error('read failed'))
    r.readAsDataURL(file)
  })
}

/** readFileText reads a picked text file (a catalog JSON). */
export function readFileText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => resolve(String(r.result))
    r.onerror = () => reject(r.error ?? new Error('read failed'))
    r.readAsText(file)
  })
}
