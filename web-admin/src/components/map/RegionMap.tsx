import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './map.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { gcj02ToWgs84, type LatLng, wgs84ToGcj02 } from './coords';
import type { MapBase, RegionBoundaries } from './map-api';
import { baseMapOf } from './tiles';

/** One pin: a kind (machine, alert, permit), a tone for its colour, the number of items it stands for. */
export interface MapPin {
  key: string;
  kind: 'machine' | 'alert' | 'permit' | 'report';
  tone: string;
  position: LatLng;
  count: number;
  /** Accessible name and hover text (already translated). */
  label: string;
  onClick?: () => void;
}

export interface RegionMapProps {
  base: MapBase;
  pins?: MapPin[];
  /** Region codes whose boundaries frame the first view (the caller's scope); else the pins, else all. */
  focusCodes?: string[];
  /** Location picking: the picked point (WGS-84) and what a click on the map picks. */
  picked?: LatLng | null;
  onPick?: (p: LatLng) => void;
  height: number | string;
  testId?: string;
}

// Pins of different kinds at one place sit apart: machines on the point, alerts above, permits below, reports left.
const ANCHORS: Record<MapPin['kind'], [number, number]> = {
  machine: [13, 13],
  alert: [13, 34],
  permit: [13, -8],
  report: [34, 13],
};

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function mapCoordinates(coords: unknown, f: (p: LatLng) => LatLng): unknown {
  if (Array.isArray(coords) && typeof coords[0] === 'number') {
    const p = f({ lng: coords[0], lat: coords[1] as number });
    return [p.lng, p.lat];
  }
  return (coords as unknown[]).map((c) => mapCoordinates(c, f));
}

/**
 * The region map (Leaflet): boundaries from the deployment's GeoJSON, tiles when a provider is
 * configured, pins, and a picker. Positions in and out are WGS-84; on GCJ-02 tiles (AMap) everything
 * drawn is shifted into GCJ-02 and a pick shifted back.
 */
export default function RegionMap({ base, pins = [], focusCodes, picked, onPick, height, testId }: RegionMapProps) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const pinLayer = useRef<L.LayerGroup | null>(null);
  const pickLayer = useRef<L.LayerGroup | null>(null);
  const framed = useRef(false);
  const frame = useRef<L.LatLngBounds | null>(null);
  const userMoved = useRef(false);
  // Bumped when the map is (re)made, so that pins, frame and pick are drawn onto the new one.
  const [generation, setGeneration] = useState(0);
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;

  const spec = useMemo(() => baseMapOf(base.tiles), [base.tiles]);
  // Without tiles a street-level first view is an empty canvas: stay at township scale.
  const frameMaxZoom = spec ? 15 : 12;
  const gcj = spec?.datum === 'gcj02';
  const toMap = useMemo(() => (gcj ? wgs84ToGcj02 : (p: LatLng) => p), [gcj]);
  const fromMap = useMemo(() => (gcj ? gcj02ToWgs84 : (p: LatLng) => p), [gcj]);

  // The map, its tiles and its boundaries: once per base.
  useEffect(() => {
    if (!el.current) return;
    const map = L.map(el.current, {
      zoomControl: true,
      attributionControl: true,
      minZoom: 3,
      maxZoom: 18,
      // Frames fit the region closely rather than a whole zoom level out.
      zoomSnap: 0.25,
    });
    mapRef.current = map;
    map.attributionControl.setPrefix(false);
    if (spec) {
      for (const layer of spec.layers)
        L.tileLayer(layer.url, { subdomains: layer.subdomains, maxZoom: layer.maxZoom }).addTo(map);
      map.attributionControl.addAttribution(escapeHtml(t(spec.attributionKey)));
    }
    if (base.boundaries?.features.length) {
      const shifted: RegionBoundaries = {
        ...base.boundaries,
        features: base.boundaries.features.map((f) => ({
          ...f,
          geometry: { ...f.geometry, coordinates: mapCoordinates(f.geometry.coordinates, toMap) as number[][][] },
        })),
      };
      L.geoJSON(shifted, {
        // Clicks go through the boundaries to the map (picking) and to the pins.
        interactive: false,
        style: (f) =>
          f?.properties?.level === 'county'
            ? { color: '#1f5fbf', weight: 3, fill: false }
            : { color: '#4a7bd0', weight: 1.2, fillColor: '#1f5fbf', fillOpacity: spec ? 0.04 : 0.08 },
        onEachFeature: (f, layer) => {
          if (f.properties?.level === 'county') return;
          layer.bindTooltip(escapeHtml(String(f.properties?.name ?? '')), {
            permanent: true,
            direction: 'center',
            className: 'region-label',
          });
        },
      }).addTo(map);
      if (base.schematic) map.attributionControl.addAttribution(escapeHtml(t('map.schematicAttribution')));
    }
    pinLayer.current = L.layerGroup().addTo(map);
    pickLayer.current = L.layerGroup().addTo(map);
    map.on('click', (e: L.LeafletMouseEvent) => {
      onPickRef.current?.(fromMap({ lat: e.latlng.lat, lng: e.latlng.lng }));
    });
    if (onPickRef.current) el.current.style.cursor = 'crosshair';
    // The first frame follows the container until the user moves the map (it may still be laying out).
    userMoved.current = false;
    const touched = () => (userMoved.current = true);
    el.current.addEventListener('pointerdown', touched);
    el.current.addEventListener('wheel', touched, { passive: true });
    const resize = new ResizeObserver(() => {
      map.invalidateSize();
      if (frame.current && !userMoved.current) map.fitBounds(frame.current, { maxZoom: frameMaxZoom });
    });
    resize.observe(el.current);
    framed.current = false;
    frame.current = null;
    setGeneration((g) => g + 1);
    const container = el.current;
    return () => {
      container.removeEventListener('pointerdown', touched);
      container.removeEventListener('wheel', touched);
      resize.disconnect();
      map.remove();
      mapRef.current = null;
    };
  }, [base, spec, frameMaxZoom, t, toMap, fromMap]);

  // Pins.
  useEffect(() => {
    const layer = pinLayer.current;
    if (!layer) return;
    layer.clearLayers();
    for (const pin of pins) {
      const p = toMap(pin.position);
      const marker = L.marker([p.lat, p.lng], {
        title: pin.label,
        alt: pin.label,
        keyboard: true,
        icon: L.divIcon({
          className: '',
          iconSize: [26, 26],
          iconAnchor: ANCHORS[pin.kind],
          html:
            `<div class="map-pin map-pin-${pin.kind} map-tone-${escapeHtml(pin.tone)}" data-testid="map-pin-${pin.kind}"` +
            ` data-key="${escapeHtml(pin.key)}">${pin.count > 1 ? pin.count : ''}</div>`,
        }),
      });
      if (pin.onClick) marker.on('click', pin.onClick);
      marker.addTo(layer);
    }
  }, [pins, toMap, generation]);

  // The first view: the caller's regions, else the pins, else everything there is.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || framed.current) return;
    const bounds = L.latLngBounds([]);
    const features = base.boundaries?.features ?? [];
    const focus = focusCodes?.length ? features.filter((f) => focusCodes.includes(f.properties.code)) : [];
    const add = (p: LatLng) => {
      const q = toMap(p);
      bounds.extend([q.lat, q.lng]);
    };
    const addFeatures = (fs: typeof features) =>
      fs.forEach((f) => mapCoordinates(f.geometry.coordinates, (p) => (add(p), p)));
    addFeatures(focus);
    if (!bounds.isValid()) pins.forEach((p) => add(p.position));
    if (picked) {
      add(picked);
      // Without tiles a close-up of the point shows nothing: keep the boundaries around it in view.
      if (!spec) addFeatures(features);
    }
    if (!bounds.isValid()) addFeatures(features);
    if (bounds.isValid()) {
      frame.current = bounds.pad(0.05);
      map.fitBounds(frame.current, { maxZoom: frameMaxZoom });
      framed.current = true;
    } else {
      map.setView([35, 105], 4);
    }
  }, [base, focusCodes, pins, picked, spec, frameMaxZoom, toMap, generation]);

  // The picked point.
  useEffect(() => {
    const layer = pickLayer.current;
    if (!layer) return;
    layer.clearLayers();
    if (!picked) return;
    const p = toMap(picked);
    L.marker([p.lat, p.lng], {
      interactive: false,
      icon: L.divIcon({
        className: '',
        iconSize: [22, 22],
        iconAnchor: [11, 22],
        html: '<div class="map-pin-picked" data-testid="map-picked"></div>',
      }),
    }).addTo(layer);
  }, [picked, toMap, generation]);

  return <div ref={el} style={{ height, width: '100%' }} className="region-map" data-testid={testId ?? 'region-map'} />;
}
