/** A village's name without its committee's suffix, as people write it in an address (文化路社区居委会 → 文化路). */
function shortName(name: string): string {
  const short = name.replace(/(社区居委会|社区居民委员会|村民委员会|居委会|村委会|社区|村)$/, '');
  // One character alone would match too much of an address.
  return short.length >= 2 ? short : name;
}

/**
 * The place of a problem on one line: the township and village, then the address, each said once. An
 * address typed in full (月塘街道文化路社区附近) already names them, so they are not put before it again.
 * Shared by the 督办单 and the console's problem page.
 */
export function placeLine(township: string | null, village: string | null, address: string | null): string {
  const said = (address ?? '').replace(/\s+/g, '');
  const named = (name: string | null) => !!name && !!said && said.includes(shortName(name));
  return [named(township) ? null : township, named(village) ? null : village, address]
    .filter(Boolean)
    .join(' ');
}
