#!/usr/bin/env node
// The PouchDB peer of `make bench` (cmd/bench): starts pouchdb-server on
// 127.0.0.1 and replicates the same cases Yizhan syncs, one document per
// case, from a local PouchDB. --store disk (the default) keeps both ends on
// LevelDB files, as pouchdb and pouchdb-server ship; --store memory keeps
// both in memory.
//
//   node replicate.js --docs FILE.jsonl --port P --push URL --pull URL --noop URL [--batch N] [--store disk|memory]
//
// FILE.jsonl holds one document per line, written by cmd/bench:
//   {"_id": <case id>, "events": [<the case's events, byte for byte the JSON
//    objects Yizhan puts on the wire>]}
// The case's materials are in its open event's payload (the checklist
// snapshot) and its material event; its evaluation is the evaluate event's
// payload. Nothing is duplicated outside "events".
//
// pouchdb-server listens on --port; cmd/bench puts a counting TCP proxy in
// front of it and passes the proxied URLs: --push for the local-to-server
// replication, --pull for a fresh local database replicating from the
// server, --noop for a second push with nothing new. Bytes on the wire are
// counted there, at the TCP level, exactly as for Yizhan; this script counts
// HTTP requests (a wrapped fetch) and times each phase. It prints one JSON
// object on stdout.
'use strict'

const { spawn } = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')
const readline = require('readline')

const PouchDB = require('pouchdb')
PouchDB.plugin(require('pouchdb-adapter-memory'))

function args () {
  const out = { batch: 500, store: 'disk' }
  const a = process.argv.slice(2)
  for (let i = 0; i < a.length; i += 2) {
    const k = a[i].replace(/^--/, '')
    out[k] = a[i + 1]
  }
  for (const k of ['docs', 'port', 'push', 'pull', 'noop']) {
    if (!out[k]) {
      console.error(`replicate.js: --${k} is required`)
      process.exit(2)
    }
  }
  out.batch = Number(out.batch)
  if (out.store !== 'disk' && out.store !== 'memory') {
    console.error('replicate.js: --store is disk or memory')
    process.exit(2)
  }
  return out
}

async function waitUp (url, ms) {
  const until = Date.now() + ms
  for (;;) {
    try {
      const r = await fetch(url)
      if (r.ok) return
    } catch (e) {}
    if (Date.now() > until) throw new Error('pouchdb-server did not start at ' + url)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

// counted returns a remote PouchDB whose HTTP requests are counted.
function counted (url, counter) {
  return new PouchDB(url, {
    fetch: (u, opts) => {
      counter.requests++
      return PouchDB.fetch(u, opts)
    }
  })
}

async function load (db, file) {
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })
  let batch = []
  let n = 0
  for await (const line of rl) {
    if (!line) continue
    batch.push(JSON.parse(line))
    if (batch.length === 1000) {
      await db.bulkDocs(batch)
      n += batch.length
      batch = []
    }
  }
  if (batch.length) {
    await db.bulkDocs(batch)
    n += batch.length
  }
  return n
}

// serverCPU returns the CPU milliseconds pouchdb-server has used (Linux
// /proc; 0 elsewhere).
let serverPid = 0
function serverCPU () {
  try {
    const f = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8')
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10 // utime + stime, 100 ticks a second
  } catch (e) {
    return 0
  }
}

// timed runs one phase and measures its wall time and the CPU time of
// both ends (this client and pouchdb-server).
async function timed (fn) {
  const t0 = process.hrtime.bigint()
  const c0 = process.cpuUsage()
  const s0 = serverCPU()
  const info = await fn()
  const c = process.cpuUsage(c0)
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1000 + serverCPU() - s0, info }
}

async function main () {
  const o = args()
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'yizhan-pouch-'))
  const bin = path.join(__dirname, 'node_modules', 'pouchdb-server', 'bin', 'pouchdb-server')
  // disk: both ends as they ship, on LevelDB files (pouchdb's and
  // pouchdb-server's default); memory: both ends in memory (memdown), the
  // fastest PouchDB can be, with nothing reaching a disk.
  const serverArgs = [bin, '--host', '127.0.0.1', '--port', String(o.port), '--no-stdout-logs',
    '--config', path.join(work, 'config.json')]
  if (o.store === 'memory') serverArgs.splice(1, 0, '--in-memory')
  else serverArgs.splice(1, 0, '--dir', path.join(work, 'server'))
  if (o.store === 'disk') fs.mkdirSync(path.join(work, 'server'))
  const server = spawn(process.execPath, serverArgs, { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] })
  serverPid = server.pid
  const exited = new Promise((resolve) => server.on('exit', resolve))
  const stop = () => { try { server.kill('SIGKILL') } catch (e) {} }
  process.on('exit', stop)
  try {
    const direct = `http://127.0.0.1:${o.port}`
    await waitUp(direct + '/', 30000)
    const serverInfo = await (await fetch(direct + '/')).json()
    // Create the database directly, so that only replication is counted.
    await fetch(direct + '/bench', { method: 'PUT' })

    const localOpts = (name) => o.store === 'memory' ? [name, { adapter: 'memory' }] : [path.join(work, name), { adapter: 'leveldb' }]
    const local = new PouchDB(...localOpts('local'))
    const docs = await load(local, o.docs)
    const opts = { batch_size: o.batch }

    const push = { requests: 0 }
    const p = await timed(() => local.replicate.to(counted(o.push + '/bench', push), opts))

    const pulled = new PouchDB(...localOpts('pulled'))
    const pull = { requests: 0 }
    const q = await timed(() => pulled.replicate.from(counted(o.pull + '/bench', pull), opts))

    const noop = { requests: 0 }
    const z = await timed(() => local.replicate.to(counted(o.noop + '/bench', noop), opts))

    const out = {
      pouchdb: PouchDB.version,
      server: serverInfo.version || '',
      batch_size: o.batch,
      store: o.store,
      docs,
      push_ms: p.ms, push_cpu_ms: p.cpuMs, push_docs_written: p.info.docs_written, push_requests: push.requests,
      pull_ms: q.ms, pull_cpu_ms: q.cpuMs, pull_docs_written: q.info.docs_written, pull_requests: pull.requests,
      noop_ms: z.ms, noop_docs_written: z.info.docs_written, noop_requests: noop.requests
    }
    process.stdout.write(JSON.stringify(out) + '\n')
  } finally {
    stop()
    await exited
    fs.rmSync(work, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error('replicate.js:', e && e.stack ? e.stack : e)
  process.exit(1)
})
