/** Base-map tiles of the configured provider (server: MAP_TILES, MAP_TILE_KEY; GET /api/map/settings). */
export interface MapTiles {
  provider: 'tianditu' | 'amap';
  key: string;
}

export interface TileLayerSpec {
  url: string;
  subdomains: string;
  maxZoom: number;
}

export interface BaseMapSpec {
  layers: TileLayerSpec[];
  /** The datum the tiles are drawn in: points go through wgs84ToGcj02 on AMap. */
  datum: 'wgs84' | 'gcj02';
  /** i18n key of the attribution shown on the map. */
  attributionKey: string;
}

const tianditu = (layer: 'vec' | 'cva', key: string): TileLayerSpec => ({
  // WMTS in Web Mercator ("_w"), fetched as XYZ tiles; CGCS2000, which agrees with WGS-84 at map scales.
  url:
    `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}` +
    `&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`,
  subdomains: '01234567',
  maxZoom: 18,
});

export function baseMapOf(tiles: MapTiles | null | undefined): BaseMapSpec | null {
  if (!tiles?.key) return null;
  if (tiles.provider === 'tianditu')
    return {
      layers: [tianditu('vec', tiles.key), tianditu('cva', tiles.key)],
      datum: 'wgs84',
      attributionKey: 'map.attribution.tianditu',
    };
  return {
    layers: [
      {
        url: `https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}&key=${encodeURIComponent(tiles.key)}`,
        subdomains: '1234',
        maxZoom: 18,
      },
    ],
    datum: 'gcj02',
    attributionKey: 'map.attribution.amap',
  };
}
