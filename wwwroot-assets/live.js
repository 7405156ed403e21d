// Live page: microphone → AudioWorklet (16 kHz mono s16le) → WebSocket /api/v1/live → each block's fMP4 segment →
// MediaSource. The protocol is docs/live-protocol.md. Every JSON event goes to the Blazor component (OnLiveEvent);
// this file only does what needs the browser: capture, socket, playback. State is mirrored in data-* attributes of
// the <video> for tests (data-state, data-appended, data-sent-samples, data-sending).

let session = null;

export async function start(component, video, options) {
  await stop();
  const s = { component, video, ws: null, context: null, stream: null, node: null, source: null, buffer: null,
              queue: [], current: null, pending: null, sent: 0, mime: null, closed: false };
  session = s;
  setData(video, { state: "starting", appended: "0", sentSamples: "0", sending: "false" });
  try {
    s.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
  } catch (e) {
    return report(s, { type: "client-error", code: "microphone", message: `The microphone is not available: ${e.message || e}` });
  }
  s.context = new AudioContext();
  await s.context.audioWorklet.addModule("/assets/live-capture.worklet.js");
  const input = s.context.createMediaStreamSource(s.stream);
  s.node = new AudioWorkletNode(s.context, "live-capture");
  // The worklet must be pulled to run; a muted gain keeps the microphone out of the speakers.
  const silent = s.context.createGain();
  silent.gain.value = 0;
  input.connect(s.node).connect(silent).connect(s.context.destination);

  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  s.ws = new WebSocket(`${scheme}//${location.host}/api/v1/live`);
  s.ws.binaryType = "arraybuffer";
  s.ws.onopen = () => {
    s.ws.send(JSON.stringify({ type: "start", ...options }));
    // Audio flows from the moment the start message is out; the server queues it until the session is up.
    s.node.port.onmessage = (m) => {
      if (s.closed || s.ws.readyState !== WebSocket.OPEN) return;
      s.ws.send(m.data);
      s.sent += m.data.byteLength / 2;
      setData(video, { sentSamples: String(s.sent), sending: "true" });
    };
    report(s, { type: "client-connected", sampleRate: s.context.sampleRate });
  };
  s.ws.onmessage = (m) => onMessage(s, m);
  s.ws.onclose = (e) => {
    s.closed = true;
    setData(video, { sending: "false" });
    releaseMicrophone(s);
    report(s, { type: "client-closed", code: e.code, message: e.reason || "" });
  };
}

// Ends the audio: the server generates what it has, stores the recording and says "stopped".
export async function stop() {
  const s = session;
  if (!s) return;
  if (s.ws && s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify({ type: "stop" }));
  setData(s.video, { sending: "false" });
  releaseMicrophone(s);
}

export async function dispose() {
  const s = session;
  session = null;
  if (!s) return;
  s.closed = true;
  releaseMicrophone(s);
  if (s.ws && s.ws.readyState <= WebSocket.OPEN) s.ws.close(1000, "page left");
}

function releaseMicrophone(s) {
  if (s.node) s.node.port.onmessage = null;
  if (s.stream) s.stream.getTracks().forEach((t) => t.stop());
  if (s.context && s.context.state !== "closed") s.context.close();
  s.stream = null;
}

function onMessage(s, m) {
  if (typeof m.data !== "string") {
    // The segment announced by the event just before it.
    if (s.pending === "init") openPlayer(s, m.data);
    else if (s.pending === "block") enqueue(s, m.data);
    s.pending = null;
    return;
  }
  const event = JSON.parse(m.data);
  if (event.type === "init") { s.mime = event.mimeType; s.pending = "init"; }
  if (event.type === "block") s.pending = "block";
  if (event.type === "started") setData(s.video, { state: "live" });
  if (event.type === "stopped") setData(s.video, { state: "stopped" });
  if (event.type === "error") setData(s.video, { state: "error" });
  s.component.invokeMethodAsync("OnLiveEvent", m.data);
}

function openPlayer(s, init) {
  if (!window.MediaSource || !MediaSource.isTypeSupported(s.mime)) {
    report(s, { type: "client-error", code: "playback", message: `This browser cannot play ${s.mime} through MediaSource.` });
    return;
  }
  s.source = new MediaSource();
  s.video.src = URL.createObjectURL(s.source);
  s.queue.unshift({ bytes: init, init: true });
  s.source.addEventListener("sourceopen", () => {
    s.buffer = s.source.addSourceBuffer(s.mime);
    s.buffer.mode = "segments"; // each segment carries its own time (tfdt)
    s.buffer.addEventListener("updateend", () => appended(s));
    pump(s);
  }, { once: true });
}

function enqueue(s, bytes) {
  s.queue.push({ bytes, init: false });
  pump(s);
}

function pump(s) {
  if (!s.buffer || s.current || s.queue.length === 0) return;
  s.current = s.queue.shift();
  s.buffer.appendBuffer(s.current.bytes);
}

function appended(s) {
  const item = s.current;
  s.current = null;
  if (item && !item.init) {
    setData(s.video, { appended: String(Number(s.video.dataset.appended) + 1) });
    const v = s.video;
    // Stay near the live edge: if playback fell behind what is buffered (a stall, a tab in the background), skip ahead.
    if (v.buffered.length > 0 && v.buffered.end(v.buffered.length - 1) - v.currentTime > 1.5)
      v.currentTime = v.buffered.end(v.buffered.length - 1) - 0.3;
    if (v.paused) v.play().catch(() => setData(v, { autoplay: "blocked" }));
  }
  pump(s);
}

function report(s, event) {
  s.component.invokeMethodAsync("OnLiveEvent", JSON.stringify(event));
}

function setData(el, values) {
  for (const [k, v] of Object.entries(values)) el.dataset[k] = v;
}
