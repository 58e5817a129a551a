import type { DeviceState, LocalizedText } from '@arcgate/protocol';
import type { LedPattern } from './state-machine.types';

/** Messages the device shows (zh-CN first, the welder reads it; en for logs and maintenance staff). */
export const TEXT = {
  offline: { 'zh-CN': '离线，无法授权', en: 'Offline, cannot authorize' },
  unprovisioned: {
    'zh-CN': '未配置平台公钥，设备保持锁定',
    en: 'No server public key provisioned, the device stays locked',
  },
  busy: { 'zh-CN': '设备当前不能授权', en: 'The device cannot authorize now' },
  authorizing: { 'zh-CN': '正在授权，请稍候', en: 'Authorizing, please wait' },
  timeout: { 'zh-CN': '平台无应答，请重试', en: 'No answer from the platform, try again' },
  badGrant: { 'zh-CN': '授权无效，已拒绝', en: 'Invalid authorization rejected' },
  expired: { 'zh-CN': '授权已到期', en: 'Authorization has expired' },
  sessionEnded: { 'zh-CN': '作业结束，已锁定', en: 'Session ended, locked' },
  gas: { 'zh-CN': '可燃气体超限，已断电', en: 'Combustible gas over the limit, power cut' },
  tamper: { 'zh-CN': '检测到防拆报警，已断电', en: 'Tamper detected, power cut' },
  bypass: {
    'zh-CN': '检测到未授权电流（疑似短接），已报警',
    en: 'Current without authorization (bypass suspected), reported',
  },
  watchdog: { 'zh-CN': '系统看门狗超时，已断电', en: 'Watchdog timeout, power cut' },
  internal: { 'zh-CN': '设备内部故障，已断电', en: 'Internal fault, power cut' },
  relayFault: {
    'zh-CN': '继电器反馈异常（触点粘连或拒动），设备已锁定，请检修',
    en: 'Relay feedback fault (welded or stuck contacts): locked, service needed',
  },
  faultCleared: { 'zh-CN': '故障已解除，请重新授权', en: 'Fault cleared, authorize again' },
  tamperCleared: { 'zh-CN': '防拆报警已解除，请重新授权', en: 'Tamper cleared, authorize again' },
  journalUnwritable: {
    'zh-CN': '存储故障（日志无法写入），设备不能授权',
    en: 'Storage fault (journal cannot be written): cannot authorize',
  },
  boardLost: { 'zh-CN': '控制板连接中断，已断电', en: 'Control board link lost: power cut' },
  boardRecovered: { 'zh-CN': '控制板已恢复，请重新授权', en: 'Control board back, authorize again' },
  stopped: { 'zh-CN': '设备已停止，已断电', en: 'Device stopped: power cut' },
  badCode: { 'zh-CN': '无法识别的二维码', en: 'Unrecognised code' },
} satisfies Record<string, LocalizedText>;

export const granted = (welderName?: string): LocalizedText => ({
  'zh-CN': `${welderName ?? '焊工'} 已授权，可以作业`,
  en: `${welderName ?? 'Welder'} authorized`,
});

export const overCurrent = (currentA: number, limitA: number): LocalizedText => ({
  'zh-CN': `焊接电流 ${Math.round(currentA)} A 超过额定 ${limitA} A，已断电，请重新授权`,
  en: `Welding current ${Math.round(currentA)} A above the rated ${limitA} A: power cut, authorize again`,
});

export const confirmPush = (welderName: string): LocalizedText => ({
  'zh-CN': `${welderName} 手机扫码授权，请按焊枪开关确认`,
  en: `${welderName} requested by phone; press the torch trigger to confirm`,
});

export const LED_FOR_STATE: Record<DeviceState, LedPattern> = {
  locked: 'off',
  authorizing: 'blink_slow',
  armed: 'on',
  arcing: 'on',
  fault: 'blink_fast',
  tamper: 'blink_fast',
};
