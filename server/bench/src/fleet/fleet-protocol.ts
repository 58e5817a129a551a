/** Messages between the bench (fleet.ts) and its fleet worker processes (fleet-worker.ts), over IPC. */

export interface WorkerDevice {
  chip: string;
  /** The chip's Ed25519 private key, PKCS#8 DER, base64. */
  key: string;
  /** Its X.509 certificate (mutual-TLS mode). */
  cert?: string;
  welderCode: string;
  permitId: string;
}

/** How the floor's echo client logs in: the server's own identity (password on aedes, certificate on Mosquitto). */
export interface EchoLogin {
  url: string;
  username: string;
  password?: string;
  ca?: string;
  cert?: string;
  key?: string;
}

export interface WorkerInit {
  url: string;
  root: string;
  /** The device CA (mutual TLS); absent: connect tokens as on the embedded broker. */
  ca?: string;
  /** The server's device-signing public key (SPKI DER, base64), to verify grants. */
  serverKey: string;
  devices: WorkerDevice[];
}

export type WorkerRequest =
  | { op: 'init'; init: WorkerInit }
  | { op: 'connect'; from: number; to: number; concurrency: number; timeoutMs: number; deadline: number }
  | { op: 'count'; since: number; withTimes?: boolean }
  | { op: 'reset-counters' }
  | { op: 'auth'; count: number; rate: number; deadlineMs: number; drainMs: number; startAt: number }
  | {
      op: 'floor';
      echo: EchoLogin;
      count: number;
      rate: number;
      deadlineMs: number;
      payloadBytes: number;
      startAt: number;
    }
  | { op: 'close' };

export interface ConnectReply {
  ms: number[];
  failed: number;
  seconds: number;
}

export interface CountReply {
  ready: number;
  readyAfter: number;
  total: number;
  attempts: number;
  failures: Record<string, number>;
  readyAts: number[];
  /** Heartbeat batches published since the worker started (not reset with the counters). */
  heartbeats: number;
}

export interface AuthReply {
  sent: number;
  answered: number;
  grantMs: number[];
  denialMs: number[];
  deniedBy: Record<string, number>;
  invalid: Record<string, number>;
  requestIds: string[];
}

export interface FloorReply {
  sent: number;
  received: number;
  ms: number[];
}
