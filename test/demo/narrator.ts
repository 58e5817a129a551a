/**
 * The demo's voice: one line in Chinese and one in English per step, and a watcher that prints
 * every alert the platform raises (new ones, and repeats of an open one) as it appears.
 */
import { ok, PlatformApi } from '../support/platform-api';

const clock = () => new Date().toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });

let muted = false;

/** After Ctrl-C the steps still winding down should not talk over the shutdown. */
export function mute(): void {
  muted = true;
}

export function say(where: string, zh: string, en: string): void {
  if (muted) return;
  console.log(`[${clock()}] ${where ? `【${where}】` : ''}${zh}\n${' '.repeat(11)}${en}`);
}

export function heading(zh: string, en: string): void {
  if (muted) return;
  console.log(`\n────── ${zh} · ${en} ──────`);
}

interface AlertItem {
  id: string;
  type: string;
  title: string;
  titleEn: string;
  severity: string;
  count: number;
  enterpriseName: string | null;
}

/** Polls the alert list as the county regulator would see it and prints what is new. */
export class AlertWatcher {
  private readonly seen = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private primed = false;

  constructor(
    private readonly api: PlatformApi,
    private readonly user = 'xiayi.regulator',
  ) {}

  async start(): Promise<void> {
    await this.poll();
    this.primed = true;
    this.timer = setInterval(() => void this.poll().catch(() => undefined), 1_500);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    const page = await ok(this.api, this.user, 'GET', '/api/alerts?pageSize=50');
    for (const a of page.items as AlertItem[]) {
      const before = this.seen.get(a.id);
      this.seen.set(a.id, a.count);
      // Alerts from earlier runs are only remembered, not printed.
      if (!this.primed || before === a.count) continue;
      const mark = a.severity === 'critical' ? '🚨' : '⚠️ ';
      const times = a.count > 1 ? ` ×${a.count}` : '';
      say(
        '',
        `${mark} 告警 ${a.type}${times}：${a.title}（${a.enterpriseName ?? '未知单位'}）`,
        `ALERT ${a.severity}: ${a.titleEn}${times}`,
      );
    }
  }
}
