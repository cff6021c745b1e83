/// <reference lib="dom" />
// Frame rate of the dashboard's chart library while live data streams into a month of minute data:
// uPlot (what dashboard/src/components/Chart.tsx wraps, one instance, updates via setData) with
// 43,200 points, one new point appended per second and the chart redrawn, in real headless Chromium.
// Measures requestAnimationFrame callbacks per second over the run. Also reports the dashboard's
// first-load size (gzip) from dashboard/dist. Prints JSON lines. Run: node --import tsx bench/dashboard-chart.ts
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { tempDir } from '../tests/helpers/tmp.ts';
import { REPO } from '../tests/helpers/edge-process.ts';

const POINTS = 43_200;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

function firstLoadGzip(): { files: string[]; gzipBytes: number } {
  const dist = join(REPO, 'dashboard', 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  let gzipBytes = gzipSync(html).length;
  for (const f of refs) gzipBytes += gzipSync(readFileSync(join(dist, f))).length;
  return { files: ['index.html', ...refs], gzipBytes };
}

async function chartFps() {
  const uplotDir = [
    join(REPO, 'dashboard', 'node_modules', 'uplot', 'dist'),
    join(REPO, 'node_modules', 'uplot', 'dist'),
  ].find((d) => {
    try {
      return readdirSync(d).includes('uPlot.iife.min.js');
    } catch {
      return false;
    }
  });
  if (!uplotDir) throw new Error('uPlot is not installed (dashboard dependency)');
  const profile = tempDir('hallmon-bench-chromium-');
  const ctx = await chromium.launchPersistentContext(profile.path, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.setContent(
      `<!doctype html><html><head><style>${readFileSync(join(uplotDir, 'uPlot.min.css'), 'utf8')}</style></head><body><div id="c"></div></body></html>`,
    );
    await page.addScriptTag({ content: readFileSync(join(uplotDir, 'uPlot.iife.min.js'), 'utf8') });
    // tsx keeps function names with a __name helper the page does not have.
    await page.evaluate('window.__name = (f) => f');
    return await page.evaluate(
      async ({ n, seconds }) => {
        const w = window as unknown as {
          uPlot: new (o: unknown, d: unknown, el: Element) => { setData(d: unknown): void };
        };
        const t0 = Math.floor(Date.now() / 1000) - n * 60;
        const xs: number[] = [];
        const ys: number[] = [];
        for (let i = 0; i < n; i++) {
          xs.push(t0 + i * 60);
          ys.push(55 + 10 * Math.sin(i / 300) + 3 * Math.sin(i / 7));
        }
        const setupStart = performance.now();
        const u = new w.uPlot(
          {
            width: 1200,
            height: 400,
            series: [{}, { label: 'LAeq,1min', stroke: '#2563eb', width: 1 }],
            scales: { x: { time: true } },
          },
          [xs, ys],
          document.getElementById('c')!,
        );
        const firstDrawMs = performance.now() - setupStart;
        let frames = 0;
        let pending = false;
        let last = xs[xs.length - 1]!;
        const live = setInterval(() => {
          // A live point a second: appended and redrawn on the next frame (the dashboard batches per frame).
          last += 60;
          xs.push(last);
          ys.push(55 + 10 * Math.random());
          xs.shift();
          ys.shift();
          if (!pending) {
            pending = true;
            requestAnimationFrame(() => {
              pending = false;
              u.setData([xs, ys]);
            });
          }
        }, 1000 / 1);
        const end = performance.now() + seconds * 1000;
        const worst = { ms: 0 };
        await new Promise<void>((resolve) => {
          let prev = performance.now();
          const tick = (now: number) => {
            frames++;
            worst.ms = Math.max(worst.ms, now - prev);
            prev = now;
            if (now < end) requestAnimationFrame(tick);
            else resolve();
          };
          requestAnimationFrame(tick);
        });
        clearInterval(live);
        return {
          points: n,
          seconds,
          fps: frames / seconds,
          worstFrameMs: Math.round(worst.ms),
          firstDrawMs: Math.round(firstDrawMs),
        };
      },
      { n: POINTS, seconds: SECONDS },
    );
  } finally {
    await ctx.close();
    profile.remove();
  }
}

const size = firstLoadGzip();
process.stdout.write(
  `${JSON.stringify({ bench: 'dashboard-first-load', ...size, gzipKB: Math.round(size.gzipBytes / 102.4) / 10 })}\n`,
);
process.stdout.write(`${JSON.stringify({ bench: 'dashboard-chart-live', ...(await chartFps()) })}\n`);
