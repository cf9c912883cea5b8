// `npm run summary-images`: runs the demo with `--summaries`, renders the job summaries of the
// steps named below as GitHub shows them (a small Markdown subset: headings, lists, tables, links,
// bold, code, <details>), and screenshots each with headless Chromium into docs/images/. Needs
// `chromium-headless-shell` (Debian) or CHROMIUM=/path/to/chrome; it is a dev-time tool, not part
// of CI.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
/** Demo step file (`NN-<entry>.md`) -> image name. The first run of each entry is shown. */
const WANTED: Record<string, string> = {
  'distribute-to-testflight': 'summary-distribute-to-testflight.png',
  'sync-profiles': 'summary-sync-profiles.png'
}

const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function inline(text: string): string {
  // Our summaries use a few inline tags themselves (<br>, <details>): keep those, escape the rest.
  const kept = text.replace(/<br>/g, '\uE000')
  return escape(kept)
    .replace(/\uE000/g, '<br>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>')
}

export function markdownToHtml(markdown: string): string {
  const out: string[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const heading = /^(#{1,6}) (.*)$/.exec(line)
    if (heading) out.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`)
    else if (/^<\/?details>|^<details><summary>/.test(line)) {
      const m = /^<details><summary>(.*)<\/summary>$/.exec(line)
      out.push(m ? `<details open><summary>${inline(m[1])}</summary>` : line)
    } else if (line.startsWith('|')) {
      const rows: string[][] = []
      while (i < lines.length && lines[i].startsWith('|'))
        rows.push(
          lines[i++]
            .slice(1, -1)
            .split(/(?<!\\)\|/)
            .map((c) => c.trim().replace(/\\\|/g, '|'))
        )
      i--
      const [head, , ...body] = rows
      out.push(
        '<table><thead><tr>' +
          head.map((c) => `<th>${inline(c)}</th>`).join('') +
          '</tr></thead><tbody>' +
          body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('') +
          '</tbody></table>'
      )
    } else if (/^\s*- /.test(line)) {
      const items: string[] = []
      while (i < lines.length && /^\s*- /.test(lines[i]))
        items.push(`<li>${inline(lines[i++].replace(/^\s*- /, ''))}</li>`)
      i--
      out.push(`<ul>${items.join('')}</ul>`)
    } else if (line.trim()) out.push(`<p>${inline(line)}</p>`)
  }
  return out.join('\n')
}

const STYLE = `body{font:14px/1.5 -apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:#1f2328;margin:0;
padding:16px 24px;background:#fff;width:860px}h2{font-size:20px;border-bottom:1px solid #d1d9e0;padding-bottom:6px}
h3{font-size:16px}table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #d1d9e0;padding:4px 10px;
text-align:left}th{background:#f6f8fa}code{background:#eff1f3;padding:1px 4px;border-radius:4px;font-size:12px}
a{color:#0969da;text-decoration:none}ul{padding-left:22px}details{margin:8px 0}summary{cursor:pointer}`

/** The page's height from what it holds (headless Chromium screenshots the window, not the page). */
function estimatedHeight(html: string): number {
  const count = (re: RegExp) => (html.match(re) ?? []).length
  const px =
    48 +
    70 * count(/<h[1-6]>/g) +
    21 * count(/<li>/g) +
    34 * count(/<tr>/g) +
    36 * (count(/<p>/g) + count(/<ul>/g) + count(/<table>/g) + count(/<details/g))
  return Math.min(2400, Math.max(160, px))
}

function chromium(): string {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium-headless-shell', '/usr/bin/chromium']
  const found = candidates.find((c) => c && existsSync(c))
  if (!found)
    throw new Error(
      'no headless Chromium: apt-get install chromium-headless-shell, or set CHROMIUM'
    )
  return found
}

const dir = mkdtempSync(join(tmpdir(), 'summaries-'))
execFileSync('npx', ['tsx', join(ROOT, 'scripts/dev/demo.ts'), '--summaries', dir], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, NO_COLOR: '1' }
})
const done = new Set<string>()
for (const file of readdirSync(dir).sort()) {
  const entry = file.replace(/^\d+-/, '').replace(/\.md$/, '')
  const image = WANTED[entry]
  if (!image || done.has(entry)) continue
  done.add(entry)
  const html = join(dir, `${entry}.html`)
  const body = markdownToHtml(readFileSync(join(dir, file), 'utf8'))
  writeFileSync(html, `<!doctype html><meta charset="utf-8"><style>${STYLE}</style>${body}`)
  const out = join(ROOT, 'docs', 'images', image)
  execFileSync(chromium(), [
    '--headless',
    '--no-sandbox',
    '--hide-scrollbars',
    `--window-size=908,${estimatedHeight(body)}`,
    `--screenshot=${out}`,
    `file://${html}`
  ])
  console.log(`wrote ${out}`)
}
