/**
 * The 29 event codes of the telemetry spec, code → event name. The dashboard's page bundles this
 * table too (it names a position's code): it stays plain data that imports nothing, so no server
 * code reaches the browser (`npm run lint:deps` checks it).
 */
export const EVENT_CODES = {
  '101': 'POSICION',
  '113': 'POSICION_STANDBY',
  '116': 'BATTERY_LOW',
  '117': 'EXCESO_VELOCIDAD',
  '118': 'IGNICION_ON',
  '119': 'IGNICION_OFF',
  '120': 'POWER_ON',
  '121': 'POWER_OFF',
  '122': 'INPUT01_ON',
  '123': 'INPUT01_OFF',
  '124': 'INPUT02_ON',
  '125': 'INPUT02_OFF',
  '126': 'INPUT03_ON',
  '127': 'INPUT03_OFF',
  '128': 'OUTPUT01_ON',
  '129': 'OUTPUT01_OFF',
  '130': 'OUTPUT02_ON',
  '131': 'OUTPUT02_OFF',
  '132': 'OUTPUT03_ON',
  '133': 'OUTPUT03_OFF',
  '149': 'REMOLQUE_INICIO',
  '150': 'REMOLQUE_FIN',
  '151': 'BATERIA_EXT_LOW',
  '152': 'BATERIA_INT_LOW',
  '153': 'POWER_UP',
  '162': 'COLISION',
  '163': 'ACELERACIONBRUSCA',
  '164': 'FRENADOBRUSCO',
  '165': 'GIROBRUSCO',
} as const;

export type EventCode = keyof typeof EVENT_CODES;

export const EVENT_CODE_LIST = Object.keys(EVENT_CODES) as EventCode[];

/** Periodic position reports; every other code is also recorded as a device event. */
export const POSITION_REPORT_CODES: ReadonlySet<string> = new Set(['101', '113']);
