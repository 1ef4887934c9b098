// Charts as one PNG: the shared legend (HTML outside the SVGs, so it would otherwise be lost) once at the top, then
// each chart's SVG serialized and drawn on a canvas with its title.
import { download } from './download';

const FONT = '13px system-ui, sans-serif';
const PAD = 12;
const LINE = 18;

async function svgImage(svg: SVGSVGElement): Promise<HTMLImageElement> {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(svg.clientWidth));
  clone.setAttribute('height', String(svg.clientHeight));
  clone.style.fontFamily = 'system-ui, sans-serif';
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(clone))}`;
  await img.decode();
  return img;
}

interface LegendEntry {
  text: string;
  color: string;
  dashed: boolean;
}

/** The charts' shared legend (Charts.tsx): one entry per model and backend, with its colour and what is drawn. */
function sharedLegend(figures: HTMLElement[]): LegendEntry[] {
  const legend = figures[0]?.closest('section')?.querySelector('.charts-legend');
  return [...(legend?.querySelectorAll<HTMLElement>('.legend-item') ?? [])].map((li) => ({
    text: (li.textContent ?? '').replace(/\s+/g, ' ').trim(),
    color: li.dataset.color || '#333',
    dashed: false,
  }));
}

/** Draws the given chart figures one under another and saves the result. */
export async function saveChartsPng(figureList: Iterable<HTMLElement>, name = 'lcp-charts.png') {
  const figures = [...figureList];
  const parts: { title: string[]; img: HTMLImageElement; legend: LegendEntry[]; failures: string[] }[] = [];
  const legend = sharedLegend(figures);
  for (const fig of figures) {
    const svg = fig.querySelector<SVGSVGElement>('.recharts-wrapper > svg, svg[data-png]'); // recharts', or a chart's own SVG
    if (!svg) continue;
    const failures = [...fig.querySelectorAll('.failures li')].map((li) => li.textContent ?? '');
    const caption = fig.querySelector('figcaption');
    const title = [caption?.querySelector('b')?.textContent ?? caption?.textContent ?? '', caption?.querySelector('span')?.textContent?.trim() ?? ''];
    parts.push({ title, img: await svgImage(svg), legend: parts.length ? [] : legend, failures });
  }
  if (!parts.length) return;
  const width = Math.max(...parts.map((p) => p.img.width)) + 2 * PAD;
  const heightOf = (p: (typeof parts)[number]) => p.title.length * LINE + p.img.height + (p.legend.length + p.failures.length) * LINE + 2 * PAD;
  const canvas = Object.assign(document.createElement('canvas'), { width, height: parts.reduce((h, p) => h + heightOf(p), 0) });
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  let y = 0;
  for (const p of parts) {
    y += PAD;
    for (const [i, line] of p.title.entries()) {
      ctx.font = i === 0 ? `bold ${FONT}` : FONT;
      ctx.fillStyle = i === 0 ? '#1d2330' : '#687083';
      ctx.fillText(line, PAD, y + LINE / 2, width - 2 * PAD);
      y += LINE;
    }
    ctx.font = FONT;
    ctx.drawImage(p.img, PAD, y);
    y += p.img.height;
    for (const e of p.legend) {
      ctx.strokeStyle = e.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(e.dashed ? [6, 4] : []);
      ctx.beginPath();
      ctx.moveTo(PAD + 40, y + LINE / 2);
      ctx.lineTo(PAD + 70, y + LINE / 2);
      ctx.stroke();
      ctx.fillStyle = '#1d2330';
      ctx.fillText(`${e.text}${e.dashed ? ' (dashed)' : ''}`, PAD + 78, y + LINE / 2);
      y += LINE;
    }
    ctx.fillStyle = '#b00020';
    for (const f of p.failures) {
      ctx.fillText(f, PAD + 40, y + LINE / 2, width - PAD - 40);
      y += LINE;
    }
    y += PAD;
  }
  ctx.setLineDash([]);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (blob) download(name, blob);
}
