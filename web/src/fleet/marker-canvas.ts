import L from 'leaflet';

/** A marker to draw: where, and how (online devices filled, offline ones hollow). */
export interface MarkerSpot<T> {
  item: T;
  lat: number;
  lon: number;
  online: boolean;
}

/** How far beyond each edge of the view markers are drawn (a fraction of it), for panning. */
const PADDING = 0.1;
const RADIUS = 5;
/** A click this close to a marker's edge (in CSS pixels) still hits it. */
const HIT_SLOP = 3;

interface MarkerStyle {
  radius: number;
  fill: string;
  stroke: string;
  lineWidth: number;
}

const ONLINE: MarkerStyle = { radius: RADIUS, fill: '#15803d', stroke: '#ffffff', lineWidth: 1.5 };
const OFFLINE: MarkerStyle = {
  radius: RADIUS - 1,
  fill: '#ffffff',
  stroke: '#4b5563',
  lineWidth: 2,
};
const SELECTED = { radius: 8, stroke: '#1d4ed8', lineWidth: 3 };

/** A marker drawn once, to be copied wherever a device is. */
interface Sprite {
  image: HTMLCanvasElement;
  /** From the marker's centre to the image's corner, in device pixels. */
  offset: number;
}

function drawSprite({ radius, fill, stroke, lineWidth }: MarkerStyle, ratio: number): Sprite {
  const half = radius + lineWidth;
  const image = document.createElement('canvas');
  image.width = image.height = Math.ceil(2 * half * ratio);
  const context = image.getContext('2d')!;
  context.scale(ratio, ratio);
  context.arc(half, half, radius, 0, 2 * Math.PI);
  context.fillStyle = fill;
  context.fill();
  context.lineWidth = lineWidth;
  context.strokeStyle = stroke;
  context.stroke();
  return { image, offset: Math.round(half * ratio) };
}

/** The four markers (online or not, selected or not) at a pixel ratio. */
function drawSprites(ratio: number) {
  return {
    ratio,
    online: drawSprite(ONLINE, ratio),
    offline: drawSprite(OFFLINE, ratio),
    selectedOnline: drawSprite({ ...ONLINE, ...SELECTED }, ratio),
    selectedOffline: drawSprite({ ...OFFLINE, ...SELECTED }, ratio),
  };
}

/**
 * Every marker of the fleet on one canvas, each copied from a pre-drawn image. Leaflet's canvas
 * renderer keeps an object per marker and fills and strokes each as a path; measured with 10,000
 * markers in Chromium without a GPU, that costs several times a frame per redraw, and redraws a
 * thousand moving markers far slower still, while copying 10,000 small images stays around a
 * frame. The canvas sits in a map pane, so it moves with the map while panning and is scaled
 * along with the zoom animation, as Leaflet's renderers are; it is redrawn when a move or a zoom
 * ends, and when the markers change.
 */
export class MarkerCanvas<T> {
  private readonly canvas = document.createElement('canvas');
  private readonly context: CanvasRenderingContext2D;
  private sprites = drawSprites(window.devicePixelRatio || 1);
  private spots: readonly MarkerSpot<T>[] = [];
  private selected: T | undefined;
  /** Container pixel of each spot at the last draw (x, y pairs), for hit tests. */
  private points = new Float64Array(0);
  /** The canvas's top-left corner at the last draw, and the zoom it was drawn at. */
  private corner = L.latLng(0, 0);
  private zoom = 0;

  constructor(private readonly map: L.Map) {
    const pane = map.createPane('fleet-markers');
    pane.classList.add('fleet-markers');
    this.canvas.classList.add('leaflet-zoom-animated');
    pane.append(this.canvas);
    this.context = this.canvas.getContext('2d')!;
    map.on('moveend viewreset resize', this.draw);
    map.on('zoomanim', this.animateZoom);
    this.draw();
  }

  /** Replaces the markers (and the highlighted one) and redraws. */
  show(spots: readonly MarkerSpot<T>[], selected: T | undefined): void {
    this.spots = spots;
    this.selected = selected;
    this.draw();
  }

  /** The item of the topmost marker under a container point, if any. */
  itemAt(point: L.Point): T | undefined {
    const reach = (RADIUS + HIT_SLOP) ** 2;
    for (let i = this.spots.length - 1; i >= 0; i--) {
      const dx = this.points[2 * i] - point.x;
      const dy = this.points[2 * i + 1] - point.y;
      if (dx * dx + dy * dy <= reach) return this.spots[i].item;
    }
    return undefined;
  }

  destroy(): void {
    this.map.off('moveend viewreset resize', this.draw);
    this.map.off('zoomanim', this.animateZoom);
    this.canvas.remove();
  }

  private readonly draw = (): void => {
    const map = this.map;
    const ratio = window.devicePixelRatio || 1;
    // The ratio changes when the window moves to another screen.
    if (this.sprites.ratio !== ratio) this.sprites = drawSprites(ratio);
    const size = map.getSize();
    const pad = size.multiplyBy(PADDING).round();
    const topLeft = map.containerPointToLayerPoint(pad.multiplyBy(-1));
    this.resize(size.x + 2 * pad.x, size.y + 2 * pad.y, ratio);
    L.DomUtil.setPosition(this.canvas, topLeft);
    this.corner = map.layerPointToLatLng(topLeft);
    this.zoom = map.getZoom();
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);

    if (this.points.length < 2 * this.spots.length) {
      this.points = new Float64Array(2 * this.spots.length);
    }
    // Canvas pixel = layer pixel - topLeft; container pixel = canvas pixel - pad.
    const origin = map.getPixelOrigin().add(topLeft);
    let selected: { spot: MarkerSpot<T>; x: number; y: number } | undefined;
    this.spots.forEach((spot, i) => {
      const point = map.project([spot.lat, spot.lon], this.zoom);
      const x = point.x - origin.x;
      const y = point.y - origin.y;
      this.points[2 * i] = x - pad.x;
      this.points[2 * i + 1] = y - pad.y;
      if (spot.item === this.selected) selected = { spot, x, y };
      else this.stamp(spot.online ? this.sprites.online : this.sprites.offline, x, y, ratio);
    });
    // The selected marker last, on top of the others.
    if (selected) {
      const { spot, x, y } = selected;
      const sprite = spot.online ? this.sprites.selectedOnline : this.sprites.selectedOffline;
      this.stamp(sprite, x, y, ratio);
    }
  };

  private stamp({ image, offset }: Sprite, x: number, y: number, ratio: number): void {
    // On whole device pixels, the copy needs no resampling.
    this.context.drawImage(image, Math.round(x * ratio) - offset, Math.round(y * ratio) - offset);
  }

  private resize(width: number, height: number, ratio: number): void {
    const pixelWidth = Math.round(width * ratio);
    const pixelHeight = Math.round(height * ratio);
    if (this.canvas.width !== pixelWidth) this.canvas.width = pixelWidth;
    if (this.canvas.height !== pixelHeight) this.canvas.height = pixelHeight;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
  }

  /** Scales the last drawing along with the map's zoom animation (redrawn when it ends). */
  private readonly animateZoom = ({ center, zoom }: L.ZoomAnimEvent): void => {
    const map = this.map;
    const panePosition = L.DomUtil.getPosition(map.getPane('mapPane')!);
    const newOrigin = map
      .project(center, zoom)
      .subtract(map.getSize().divideBy(2))
      .add(panePosition)
      .round();
    const offset = map.project(this.corner, zoom).subtract(newOrigin);
    L.DomUtil.setTransform(this.canvas, offset, map.getZoomScale(zoom, this.zoom));
  };
}
