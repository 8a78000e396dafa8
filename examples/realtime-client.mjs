#!/usr/bin/env node
// A small TeamFlow realtime client: connects to GET /api/v1/realtime, subscribes to one
// organization (resuming after the last event id it saved, if any), prints each event as a JSON
// line, and reconnects and resumes when the server asks it to (docs/api.md, "Realtime").
//
//   TEAMFLOW_URL=http://localhost:3000 TEAMFLOW_TOKEN=<access token or API key> \
//   TEAMFLOW_ORG=<organization id or slug> node examples/realtime-client.mjs
//
// Optional: TEAMFLOW_PROJECT (one project only), TEAMFLOW_STATE (the file that keeps the last
// event id; default .realtime-last-event), TEAMFLOW_MAX_EVENTS (exit after that many events).
import { readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';

const url = `${(process.env.TEAMFLOW_URL ?? 'http://localhost:3000').replace(/^http/, 'ws')}/api/v1/realtime`;
const token = process.env.TEAMFLOW_TOKEN;
const organization = process.env.TEAMFLOW_ORG;
const project = process.env.TEAMFLOW_PROJECT;
const stateFile = process.env.TEAMFLOW_STATE ?? '.realtime-last-event';
const maxEvents = Number(process.env.TEAMFLOW_MAX_EVENTS ?? Infinity);
if (!token || !organization) {
  console.error('Set TEAMFLOW_TOKEN and TEAMFLOW_ORG (see the top of this file).');
  process.exit(2);
}

/** Close codes after which reconnecting and resuming is the right thing to do. */
const RESUMABLE = new Set([1001, 1006, 1011, 4008]);
let received = 0;
let retries = 0;

function lastEventId() {
  try {
    return readFileSync(stateFile, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function connect() {
  // The token travels as the second subprotocol; the server answers with `bearer`.
  const ws = new WebSocket(url, ['bearer', token]);
  ws.on('unexpected-response', (_request, response) => {
    console.error(`upgrade refused: HTTP ${response.statusCode}`);
    process.exit(1);
  });
  ws.on('open', () => {
    retries = 0;
    const after = lastEventId();
    const target = { organization_id: organization, ...(project && { project_id: project }) };
    ws.send(
      JSON.stringify(
        after ? { type: 'resume', after, ...target } : { type: 'subscribe', ...target },
      ),
    );
  });
  ws.on('message', (frame) => {
    const message = JSON.parse(frame.toString('utf8'));
    if (message.type === 'event') {
      writeFileSync(stateFile, message.id);
      console.log(JSON.stringify(message));
      if (++received >= maxEvents) ws.close(1000);
    } else if (message.type === 'resync_required') {
      // What was missed is gone: a real client reloads its state over HTTP here.
      console.error('resync required: reload the state over HTTP');
    } else if (message.type === 'error') {
      console.error(`error ${message.code}: ${message.message}`);
    } else {
      console.error(`${message.type}`);
    }
  });
  ws.on('error', (error) => console.error(`socket error: ${error.message}`));
  ws.on('close', (code, reason) => {
    if (received >= maxEvents) process.exit(0);
    console.error(`closed ${code} ${reason}`);
    if (!RESUMABLE.has(code)) process.exit(code === 4401 ? 3 : 1);
    // Back off a little more after each failed attempt (at most 30 s), then resume.
    const delay = Math.min(30_000, 500 * 2 ** retries++);
    setTimeout(connect, delay);
  });
}

connect();
