// A child server's CPU time over a measured window, asked for over IPC: 'cpu-start' starts counting this process's
// CPU time (user + system), 'cpu-read' answers { cpuMs } since then. Process CPU time is what the server spent, which
// a machine shared with other work distorts far less than requests per second.
import type { ChildProcess } from 'node:child_process'

/** In the child: answer the two messages. */
export function answerCpuWindow() {
  let from = process.cpuUsage()
  process.on('message', (msg: { cmd: string }) => {
    if (msg.cmd === 'cpu-start') from = process.cpuUsage()
    if (msg.cmd === 'cpu-read') {
      const used = process.cpuUsage(from)
      process.send!({ cpuMs: (used.user + used.system) / 1000 })
    }
  })
}

/** In the bench: start counting the child's CPU time. */
export function startCpuWindow(proc: ChildProcess) {
  proc.send({ cmd: 'cpu-start' })
}

/** In the bench: the child's CPU time (ms) since startCpuWindow. */
export function readCpuWindow(proc: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const on = (m: { cpuMs?: number }) => {
      if (typeof m.cpuMs !== 'number') return
      proc.off('message', on)
      resolve(m.cpuMs)
    }
    proc.on('message', on)
    proc.send({ cmd: 'cpu-read' })
  })
}
