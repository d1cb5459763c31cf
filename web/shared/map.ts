import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import { api } from './api';
import { colorOfStatus } from './format';
import type { Division, MapConfig, MapPoint } from './types';

/** Where a map opens when the server cannot be asked (it always answers its county's centre). */
const FALLBACK: MapConfig = { jurisdiction: null, tileUrl: null, center: [27.859, 113.166], zoom: 13 };
let configPromise: Promise<MapConfig> | null = null;

/** The map settings of this installation (`GET /api/config`). */
export function mapConfig(): Promise<MapConfig> {
  configPromise ??= api.get<MapConfig>('/api/config').catch(() => FALLBACK);
  return configPromise;
}

/**
 * Creates a Leaflet map. With a tile URL the tiles are shown; without one the map keeps a plain
 * background (never asking the internet for tiles) and the data layers alone tell where things are.
 */
export async function createMap(el: HTMLElement, opts: { dark?: boolean; zoomControl?: boolean } = {}) {
  const cfg = await mapConfig();
  const center: L.LatLngTuple = [cfg.center[0], cfg.center[1]];
  const map = L.map(el, { zoomControl: opts.zoomControl ?? true, attributionControl: !!cfg.tileUrl }).setView(
    center,
    cfg.zoom,
  );
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, { maxZoom: 18 }).addTo(map);
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

export interface Cluster {
  lat: number;
  lng: number;
  count: number;
  points: MapPoint[];
}

/**
 * Grid clustering: points are bucketed into square cells of `cellPx` screen pixels at the current
 * zoom, and each non-empty cell becomes one marker at the mean position of its points.
 */
export function gridCluster(map: L.Map, points: MapPoint[], cellPx = 60): Cluster[] {
  const zoom = map.getZoom();
  const cells = new Map<string, Cluster>();
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
export function clusterLayer(map: L.Map, onClick?: (p: MapPoint) => void, dark = false) {
  const layer = L.layerGroup().addTo(map);
  let points: MapPoint[] = [];
  const draw = () => {
    layer.clearLayers();
    for (const c of gridCluster(map, points)) {
      if (c.count === 1) {
        const p = c.points[0];
        const m = L.circleMarker([p.lat, p.lng], {
          radius: 7,
          color: '#fff',
          weight: 2,
          fillColor: colorOfStatus(p.status),
          fillOpacity: 0.95,
        });
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
    setPoints(next: MapPoint[]) {
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
