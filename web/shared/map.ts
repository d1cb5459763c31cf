import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import { areaAround, haversineMeters, insidePolygon, type LatLng } from '../../src/kernel/geo';
import { api } from './api';
import { colorOfStatus } from './format';
import type { Division, MapConfig, MapPoint } from './types';

/** Where a map opens when the server cannot be asked (it always answers its county's centre). */
const FALLBACK: MapConfig = {
  jurisdiction: null,
  tileUrl: null,
  tiles: null,
  center: [27.859, 113.166],
  zoom: 13,
};
let configPromise: Promise<MapConfig> | null = null;

/** The map settings of this installation (`GET /api/config`). */
export function mapConfig(): Promise<MapConfig> {
  configPromise ??= api.get<MapConfig>('/api/config').catch(() => FALLBACK);
  return configPromise;
}

/**
 * Creates a Leaflet map. With a tile URL the tiles are shown; without one the map keeps a plain
 * background (never asking the internet for tiles) and `drawBase` draws the schematic instead.
 */
export async function createMap(el: HTMLElement, opts: { dark?: boolean; zoomControl?: boolean } = {}) {
  const cfg = await mapConfig();
  const center: L.LatLngTuple = [cfg.center[0], cfg.center[1]];
  const tiles = cfg.tiles;
  // Without tiles nothing blurs between zoom levels: let the view fit the jurisdiction closely. No zoom
  // animation: Leaflet's animation timer outlives a map removed meanwhile (leaving the page) and throws.
  const map = L.map(el, {
    zoomControl: opts.zoomControl ?? true,
    attributionControl: !!tiles,
    zoomSnap: tiles ? 1 : 0.25,
    zoomAnimation: false,
  }).setView(center, cfg.zoom);
  if (tiles) {
    const o = { maxZoom: tiles.maxZoom, subdomains: tiles.subdomains, attribution: tiles.attribution };
    L.tileLayer(tiles.url, o).addTo(map);
    if (tiles.labelsUrl) L.tileLayer(tiles.labelsUrl, { ...o, attribution: '' }).addTo(map);
  } else {
    el.classList.add(opts.dark ? 'qd-map-plain-dark' : 'qd-map-plain');
  }
  return { map, config: cfg };
}

/** Draws division points (township/village names) when the server knows their coordinates. */
export function drawDivisions(map: L.Map, divisions: Division[], dark = false): L.LayerGroup {
  const layer = L.layerGroup();
  for (const d of divisions) {
    if (typeof d.lat !== 'number' || typeof d.lng !== 'number') continue;
    L.circleMarker([d.lat, d.lng], {
      radius: d.level === 'township' ? 5 : 3,
      color: dark ? '#4fc3f7' : '#5b7083',
      weight: 1,
      fillOpacity: 0.5,
    })
      .bindTooltip(d.name, {
        permanent: d.level === 'township',
        direction: 'right',
        className: dark ? 'qd-div-label-dark' : 'qd-div-label',
      })
      .addTo(layer);
  }
  return layer.addTo(map);
}

/** A township and its villages, as the schematic base map draws them. */
export interface TownshipArea {
  township: Division;
  villages: Division[];
}

/** What the base map drew: the outline of each township and of the whole jurisdiction. */
export interface BaseOutline {
  townships: { code: string; name: string; ring: LatLng[] }[];
  jurisdiction: LatLng[];
}

const AREA_FILLS = ['#dbe9f7', '#e3f1df', '#fbeed5', '#efe3f6', '#dff2f1', '#f7e1df', '#e9ecd8', '#e2e6f5'];
const AREA_FILLS_DARK = [
  '#123a63',
  '#11434a',
  '#2a3563',
  '#153f35',
  '#3a3060',
  '#17385a',
  '#243f4f',
  '#2d2f5a',
];
/** How far a township's drawn area reaches beyond its outermost villages, at most and at least. */
const TOWNSHIP_PAD_M = [300, 1600] as const;
/** How far the jurisdiction's outline reaches beyond its outermost villages. */
const JURISDICTION_PAD_M = 1400;

const hasPlace = (d: Division): d is Division & { lat: number; lng: number } =>
  typeof d.lat === 'number' && typeof d.lng === 'number';

/**
 * The schematic base map, drawn from the reference data alone: each township as a tinted area around its
 * villages' positions with its name, each village as a dot (named once zoomed in), and the jurisdiction's
 * dashed outline. It stands in for tiles when none are configured, so a map is never a blank grid.
 */
export function drawSchematic(map: L.Map, areas: TownshipArea[], dark = false): BaseOutline {
  const layer = L.layerGroup();
  const fills = dark ? AREA_FILLS_DARK : AREA_FILLS;
  // Own panes under the data's (overlay 400): the base and its names never cover a problem.
  for (const [name, z] of [
    ['qdBase', '350'],
    ['qdBaseLabels', '380'],
  ] as const) {
    const pane = map.getPane(name) ?? map.createPane(name);
    pane.style.zIndex = z;
    pane.style.pointerEvents = 'none';
  }
  const outline: BaseOutline = { townships: [], jurisdiction: [] };
  const all: LatLng[] = [];
  const placesOf = areas.map(({ township, villages }) =>
    [township, ...villages].filter(hasPlace).map((d) => ({ lat: d.lat, lng: d.lng })),
  );
  areas.forEach(({ township, villages }, i) => {
    const places = placesOf[i]!;
    if (!places.length) return;
    all.push(...places);
    // As wide as the gap to the nearest other township allows (half of it), so areas fill the
    // jurisdiction without covering each other.
    let gap = Infinity;
    placesOf.forEach((other, j) => {
      if (j === i) return;
      for (const a of places)
        for (const b of other) gap = Math.min(gap, haversineMeters(a.lat, a.lng, b.lat, b.lng));
    });
    const pad = Math.max(TOWNSHIP_PAD_M[0], Math.min(TOWNSHIP_PAD_M[1], gap * 0.45));
    const ring = areaAround(places, pad);
    outline.townships.push({ code: township.code, name: township.name, ring });
    L.polygon(
      ring.map((p) => [p.lat, p.lng] as L.LatLngTuple),
      {
        color: dark ? '#4fc3f7' : '#7b93ab',
        weight: 1,
        opacity: dark ? 0.5 : 0.8,
        fillColor: fills[i % fills.length],
        fillOpacity: dark ? 0.55 : 0.75,
        interactive: false,
        pane: 'qdBase',
      },
    ).addTo(layer);
    // The name sits on the area's northern edge: the problems, drawn at the villages inside, leave it readable.
    const north = ring.reduce((a, p) => (p.lat > a.lat ? p : a));
    const midLng = ring.reduce((a, p) => a + p.lng / ring.length, 0);
    L.tooltip({
      pane: 'qdBaseLabels',
      permanent: true,
      direction: 'top',
      offset: [0, 8],
      className: dark ? 'qd-area-label dark' : 'qd-area-label',
    })
      .setLatLng([north.lat, midLng])
      .setContent(township.name)
      .addTo(layer);
    for (const v of villages.filter(hasPlace)) {
      L.circleMarker([v.lat, v.lng], {
        radius: 2.5,
        color: dark ? '#9fd8ff' : '#5b7083',
        weight: 1,
        fillOpacity: 0.7,
        interactive: false,
        pane: 'qdBase',
      })
        .bindTooltip(v.name, {
          pane: 'qdBaseLabels',
          permanent: true,
          direction: 'right',
          offset: [3, 0],
          className: dark ? 'qd-village-label dark' : 'qd-village-label',
        })
        .addTo(layer);
    }
  });
  if (all.length) {
    outline.jurisdiction = areaAround(all, JURISDICTION_PAD_M, 16);
    L.polygon(
      outline.jurisdiction.map((p) => [p.lat, p.lng] as L.LatLngTuple),
      {
        color: dark ? '#00e5ff' : '#1d5fd1',
        weight: 2,
        dashArray: '6 5',
        fill: false,
        interactive: false,
        pane: 'qdBase',
      },
    ).addTo(layer);
  }
  // Village names only once they have room (from zoom 14 on), and no name drawn over another.
  const container = map.getContainer();
  const tidy = () => {
    container.classList.toggle('qd-map-near', map.getZoom() >= 14);
    declutter(container);
  };
  map.on('zoomend', tidy);
  layer.addTo(map);
  tidy();
  return outline;
}

/**
 * Hides the base map's names that would overlap one shown before them (township names first, then
 * villages in drawing order), so a small map shows fewer names rather than a smudge.
 */
function declutter(container: HTMLElement) {
  const shown: DOMRect[] = [];
  const labels = [
    ...container.querySelectorAll<HTMLElement>('.qd-area-label'),
    ...container.querySelectorAll<HTMLElement>('.qd-village-label'),
  ];
  for (const el of labels) el.classList.remove('qd-crowded');
  for (const el of labels) {
    const r = el.getBoundingClientRect();
    if (!r.width) continue; // not drawn at this zoom
    const hit = shown.some(
      (o) => r.left < o.right && r.right > o.left && r.top < o.bottom && r.bottom > o.top,
    );
    if (hit) el.classList.add('qd-crowded');
    else shown.push(r);
  }
}

/** The jurisdiction's townships with their villages, each list fetched (and kept for offline use) once. */
export async function loadTownshipAreas(
  loadChildren: (parent?: string) => Promise<Division[]>,
): Promise<TownshipArea[]> {
  const towns = (await loadChildren()).filter((d) => d.level === 'township');
  return Promise.all(
    towns.map(async (township) => ({
      township,
      villages: await loadChildren(township.code).catch(() => [] as Division[]),
    })),
  );
}

/**
 * The base under the data: the configured tiles with the division points, or the schematic when there are
 * no tiles. Returns the outline the schematic drew (empty with tiles).
 */
export function drawBase(map: L.Map, config: MapConfig, areas: TownshipArea[], dark = false): BaseOutline {
  if (config.tiles) {
    drawDivisions(
      map,
      areas.flatMap((a) => [a.township, ...a.villages]),
      dark,
    );
    return { townships: [], jurisdiction: [] };
  }
  return drawSchematic(map, areas, dark);
}

/**
 * Where a point falls: the township of the nearest village (the reference data's positions), and whether
 * the jurisdiction's drawn outline holds it (always true with tiles, where no outline is drawn).
 */
export function placeOf(
  areas: TownshipArea[],
  outline: BaseOutline,
  p: LatLng,
): { township: string | null; inside: boolean } {
  let best: { code: string; d: number } | null = null;
  for (const a of areas)
    for (const v of [a.township, ...a.villages].filter(hasPlace)) {
      const d = (v.lat - p.lat) ** 2 + ((v.lng - p.lng) * Math.cos((p.lat * Math.PI) / 180)) ** 2;
      if (!best || d < best.d) best = { code: a.township.code, d };
    }
  const inside = outline.jurisdiction.length ? insidePolygon(p, outline.jurisdiction) : true;
  return { township: best?.code ?? null, inside };
}

/**
 * A thing on the map: a problem (coloured by its status), a job posting, a place. Another module's page
 * gives its own points the same shape.
 */
export interface MapMarker {
  id: string;
  lat: number;
  lng: number;
  status?: string;
  /** Overrides the status colour. */
  color?: string;
  /** Shown on hover. */
  title?: string;
}

export interface Cluster<P extends MapMarker = MapPoint> {
  lat: number;
  lng: number;
  count: number;
  points: P[];
}

/**
 * Grid clustering: points are bucketed into square cells of `cellPx` screen pixels at the current
 * zoom, and each non-empty cell becomes one marker at the mean position of its points.
 */
export function gridCluster<P extends MapMarker>(map: L.Map, points: P[], cellPx = 60): Cluster<P>[] {
  const zoom = map.getZoom();
  const cells = new Map<string, Cluster<P>>();
  for (const p of points) {
    const pt = map.project([p.lat, p.lng], zoom);
    const key = `${Math.floor(pt.x / cellPx)}:${Math.floor(pt.y / cellPx)}`;
    let c = cells.get(key);
    if (!c) {
      c = { lat: 0, lng: 0, count: 0, points: [] };
      cells.set(key, c);
    }
    c.points.push(p);
    c.count++;
    c.lat += (p.lat - c.lat) / c.count;
    c.lng += (p.lng - c.lng) / c.count;
  }
  return [...cells.values()];
}

/** Draws problem points clustered on a grid, redrawn on zoom; returns a function to replace the points. */
export function clusterLayer<P extends MapMarker = MapPoint>(
  map: L.Map,
  onClick?: (p: P) => void,
  dark = false,
) {
  const layer = L.layerGroup().addTo(map);
  let points: P[] = [];
  const draw = () => {
    layer.clearLayers();
    for (const c of gridCluster(map, points)) {
      if (c.count === 1) {
        const p = c.points[0];
        const m = L.circleMarker([p.lat, p.lng], {
          radius: 7,
          color: '#fff',
          weight: 2,
          fillColor: p.color ?? colorOfStatus(p.status ?? ''),
          fillOpacity: 0.95,
        });
        if (p.title) m.bindTooltip(p.title);
        if (onClick) m.on('click', () => onClick(p));
        m.addTo(layer);
      } else {
        const size = c.count < 10 ? 30 : c.count < 100 ? 38 : 46;
        const icon = L.divIcon({
          html: `<div class="qd-cluster${dark ? ' dark' : ''}" style="width:${size}px;height:${size}px;line-height:${size}px">${c.count}</div>`,
          className: '',
          iconSize: [size, size],
        });
        L.marker([c.lat, c.lng], { icon })
          .on('click', () => map.setView([c.lat, c.lng], Math.min(map.getZoom() + 2, 18)))
          .addTo(layer);
      }
    }
  };
  map.on('zoomend', draw);
  return {
    setPoints(next: P[]) {
      points = next.filter((p) => typeof p.lat === 'number' && typeof p.lng === 'number');
      draw();
    },
    fit() {
      if (points.length)
        map.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lng])), { padding: [30, 30], maxZoom: 15 });
    },
  };
}

/** The current map box as the API's `bbox` parameter: minLng,minLat,maxLng,maxLat. */
export function bboxParam(map: L.Map): string {
  const b = map.getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(5)).join(',');
}

export { L };
