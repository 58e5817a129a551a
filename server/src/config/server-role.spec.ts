import { devicePlaneServes, launchesSplit, runsApi, runsDevicePlane } from './server-role';

describe('server roles', () => {
  it('runs the device plane in device and all, the api in api and all (all when unset)', () => {
    expect([
      runsDevicePlane({}),
      runsDevicePlane({ serverRole: 'device' }),
      runsDevicePlane({ serverRole: 'api' }),
    ]).toEqual([true, true, false]);
    expect([runsApi({}), runsApi({ serverRole: 'api' }), runsApi({ serverRole: 'device' })]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('launches a device and an api process only for the embedded default', () => {
    expect(launchesSplit({})).toBe(true);
    expect(launchesSplit({ SERVER_ROLE: '' })).toBe(true);
    expect(launchesSplit({ SERVER_ROLE: 'all' })).toBe(false);
    expect(launchesSplit({ SERVER_ROLE: 'device' })).toBe(false);
    expect(launchesSplit({ MQTT_URL: 'mqtt://broker:1883' })).toBe(false);
  });

  it('lets the device process answer health only', () => {
    expect(devicePlaneServes('/api/health')).toBe(true);
    expect(devicePlaneServes('/api/healthz')).toBe(false);
    expect(devicePlaneServes('/api/stats/overview')).toBe(false);
    expect(devicePlaneServes('/')).toBe(false);
  });
});
