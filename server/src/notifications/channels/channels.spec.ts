import { createHmac } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { AddressInfo } from 'node:net';
import { FakeClock } from '../../common/clock/clock';
import { AppConfig } from '../../config/app-config';
import { HttpSmsSender } from '../../sms/http-sms-sender';
import { FakeProviders } from '../local-providers';
import { DeliveryError, markdownText, OutgoingMessage } from './channel';
import { EmailChannel } from './email-channel';
import { OutboundHttp } from './outbound-http';
import {
  dingtalkSign,
  dingtalkSignedUrl,
  DingTalkRobotChannel,
  feishuSign,
  FeishuRobotChannel,
  WeComRobotChannel,
} from './robot-channels';

const MSG: OutgoingMessage = {
  title: '【严重告警】无授权起弧',
  lines: ['单位：恒达*钢结构', '时间：2026-01-05 16:00'],
};
const SECRET = 'SEC0123456789abcdef';

describe('robot signing (as the providers document it)', () => {
  it('DingTalk: base64 HmacSHA256 with the secret as key over "timestamp\\nsecret", url-encoded in the query', () => {
    const ts = 1767600000000;
    const expected = createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`, 'utf8').digest('base64');
    expect(dingtalkSign(SECRET, ts)).toBe(expected);
    const url = new URL(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', SECRET, ts));
    expect(url.searchParams.get('access_token')).toBe('abc');
    expect(url.searchParams.get('timestamp')).toBe(String(ts));
    expect(url.searchParams.get('sign')).toBe(expected);
    // base64's + / = are percent-encoded in the URL text
    expect(url.search).not.toMatch(/sign=[^&]*[+/=]/);
    expect(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', null, ts)).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc',
    );
  });

  it('Feishu: base64 HmacSHA256 with "timestamp\\nsecret" as key over an empty message, timestamp in seconds', () => {
    const ts = 1767600000;
    const expected = createHmac('sha256', `${ts}\n${SECRET}`).digest('base64');
    expect(feishuSign(SECRET, ts)).toBe(expected);
    expect(FeishuRobotChannel.payload(MSG, SECRET, ts)).toEqual({
      timestamp: String(ts),
      sign: expected,
      msg_type: 'text',
      content: { text: '【严重告警】无授权起弧\n单位：恒达*钢结构\n时间：2026-01-05 16:00' },
    });
    expect(FeishuRobotChannel.payload(MSG, null, ts)).not.toHaveProperty('sign');
  });

  it('message formats: WeCom markdown.content, DingTalk markdown {title, text}; markdown characters escaped', () => {
    expect(WeComRobotChannel.payload(MSG)).toEqual({ msgtype: 'markdown', markdown: { content: markdownText(MSG) } });
    expect(DingTalkRobotChannel.payload(MSG)).toEqual({
      msgtype: 'markdown',
      markdown: { title: MSG.title, text: markdownText(MSG) },
    });
    expect(markdownText({ title: 'a*b', lines: ['[x](y)'] })).toBe('**a\\*b**\n\n> \\[x\\](y)');
  });
});

describe('robot channels against a local provider', () => {
  const providers = new FakeProviders();
  const clock = new FakeClock(new Date('2026-01-05T08:00:00Z'));
  const http = new OutboundHttp();
  beforeAll(() => providers.start());
  afterAll(() => providers.stop());
  beforeEach(() => providers.clear());

  it('WeCom: posts the markdown message; errcode ≠ 0 is a failure', async () => {
    const ch = new WeComRobotChannel(http);
    await ch.send({ to: `${providers.baseUrl}/wecom/send?key=K1` }, MSG);
    const [hit] = providers.on('/wecom');
    expect(hit.query.get('key')).toBe('K1');
    expect(hit.headers['content-type']).toMatch(/application\/json/);
    expect(hit.json).toEqual(WeComRobotChannel.payload(MSG));
    providers.replies.set('/wecom', { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
    await expect(ch.send({ to: `${providers.baseUrl}/wecom/send?key=K1` }, MSG)).rejects.toMatchObject({
      message: 'wecom errcode 93000: invalid webhook url',
      failure: 'provider_refused',
      providerCode: '93000',
    });
  });

  it('DingTalk: the provider can verify the signature from the query; errcode 310000 (bad sign) fails', async () => {
    const ch = new DingTalkRobotChannel(http, clock);
    await ch.send({ to: `${providers.baseUrl}/dingtalk/robot/send?access_token=T`, secret: SECRET }, MSG);
    const [hit] = providers.on('/dingtalk');
    const ts = hit.query.get('timestamp')!;
    expect(Number(ts)).toBe(clock.now().getTime());
    expect(hit.query.get('sign')).toBe(createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64'));
    expect(hit.json).toEqual(DingTalkRobotChannel.payload(MSG));
    providers.replies.set('/dingtalk', { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } });
    await expect(ch.send({ to: `${providers.baseUrl}/dingtalk/robot/send?access_token=T` }, MSG)).rejects.toThrow(
      /310000/,
    );
  });

  it('Feishu: the provider can verify timestamp + sign from the body; code ≠ 0 and HTTP errors fail', async () => {
    const ch = new FeishuRobotChannel(http, clock);
    await ch.send({ to: `${providers.baseUrl}/feishu/open-apis/bot/v2/hook/H`, secret: SECRET }, MSG);
    const [hit] = providers.on('/feishu');
    const ts = Number(hit.json!.timestamp);
    expect(ts).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(hit.json!.sign).toBe(createHmac('sha256', `${ts}\n${SECRET}`).digest('base64'));
    expect(hit.json!.msg_type).toBe('text');
    providers.replies.set('/feishu', { status: 200, body: { code: 19021, msg: 'sign match fail' } });
    await expect(ch.send({ to: `${providers.baseUrl}/feishu/x`, secret: SECRET }, MSG)).rejects.toThrow(/19021/);
    providers.replies.set('/feishu', { status: 502, body: 'bad gateway' });
    await expect(ch.send({ to: `${providers.baseUrl}/feishu/x` }, MSG)).rejects.toThrow('HTTP 502');
  });

  it('an unreachable provider is a DeliveryError naming the cause only', async () => {
    const ch = new WeComRobotChannel(http);
    const sent = ch.send({ to: 'http://127.0.0.1:1/wecom?key=SECRETKEY' }, MSG);
    await expect(sent).rejects.toThrow(/^unreachable: /);
    await expect(sent).rejects.toBeInstanceOf(DeliveryError);
    await expect(sent).rejects.toMatchObject({ failure: 'unreachable', providerCode: null });
  });
});

describe('HttpSmsSender (generic SMS gateway)', () => {
  const providers = new FakeProviders();
  beforeAll(() => providers.start());
  afterAll(() => providers.stop());
  beforeEach(() => providers.clear());

  it('JSON template: placeholders filled JSON-escaped, headers sent, success pattern and message id read', async () => {
    const sms = new HttpSmsSender({
      url: `${providers.baseUrl}/sms/send`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      bodyTemplate: '{"mobile":"{phone}","content":"{text}","sign":"ArcGate"}',
      successPattern: '"code"\\s*:\\s*0',
      messageIdPattern: '"messageId"\\s*:\\s*"([^"]+)"',
    });
    const r = await sms.send({ phone: '13800000000', text: '【严重】"引号"\n第二行', purpose: 'alert' });
    const [hit] = providers.on('/sms');
    expect(hit.headers.authorization).toBe('Bearer k');
    expect(hit.json).toEqual({ mobile: '13800000000', content: '【严重】"引号"\n第二行', sign: 'ArcGate' });
    expect(r.providerMessageId).toBe('m-1');
    providers.replies.set('/sms', { status: 200, body: { code: 1001, msg: 'balance' } });
    await expect(sms.send({ phone: '13800000000', text: 'x', purpose: 'alert' })).rejects.toThrow(/refused/);
  });

  it('form template and GET: form-encoded', async () => {
    const form = new HttpSmsSender({
      url: `${providers.baseUrl}/sms/form`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      bodyTemplate: 'to={phone}&msg={text}',
    });
    await form.send({ phone: '13800000000', text: 'a&b=c 中', purpose: 'otp' });
    expect(new URLSearchParams(providers.on('/sms/form')[0].body).get('msg')).toBe('a&b=c 中');
    const get = new HttpSmsSender({
      url: `${providers.baseUrl}/sms/get`,
      method: 'GET',
      headers: {},
      bodyTemplate: 'p={phone}&t={text}',
    });
    await get.send({ phone: '13800000000', text: '你好 &', purpose: 'otp' });
    const hit = providers.on('/sms/get')[0];
    expect(hit.method).toBe('GET');
    expect(hit.query.get('t')).toBe('你好 &');
    providers.replies.set('/sms', { status: 500, body: 'err' });
    await expect(get.send({ phone: '1', text: 't', purpose: 'otp' })).rejects.toThrow('SMS gateway HTTP 500');
  });
});

describe('EmailChannel against a local SMTP server', () => {
  let server: SMTPServer;
  const mails: { from: string; to: string[]; raw: string }[] = [];
  let port = 0;
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, cb) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the title as subject and the lines as the plain-text body', async () => {
    const ch = new EmailChannel({
      notifications: { smtpUrl: `smtp://127.0.0.1:${port}`, smtpFrom: 'ArcGate <alerts@arcgate.test>' },
    } as AppConfig);
    await ch.send({ to: 'safety@hengda.test' }, MSG);
    ch.onApplicationShutdown();
    expect(mails).toHaveLength(1);
    expect(mails[0].from).toBe('alerts@arcgate.test');
    expect(mails[0].to).toEqual(['safety@hengda.test']);
    expect(mails[0].raw).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(mails[0].raw).toMatch(/Content-Type: text\/plain/);
  });

  it('without SMTP_URL the channel refuses (the delivery is retried, then fails)', async () => {
    const ch = new EmailChannel({} as AppConfig);
    await expect(ch.send({ to: 'a@b.test' }, MSG)).rejects.toThrow(/not configured/);
  });
});
