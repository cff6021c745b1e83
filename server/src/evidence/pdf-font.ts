// The CJK font the evidence PDF embeds: Noto Sans SC (OFL) from the npm package
// @expo-google-fonts/noto-sans-sc, a whole TTF (not unicode-range web subsets), so the PDF comes out
// right after `npm install` alone; pdfkit embeds only the glyphs used (a subset).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

let cached: Buffer | undefined;

export function notoSansScPath(): string {
  return createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
}

export function notoSansSc(): Buffer {
  if (cached) return cached;
  try {
    cached = readFileSync(notoSansScPath());
  } catch (err) {
    throw new Error(
      `The evidence PDF needs the Noto Sans SC font from @expo-google-fonts/noto-sans-sc: ${(err as Error).message}. Run npm install in the hallmon folder.`,
      { cause: err },
    );
  }
  return cached;
}
