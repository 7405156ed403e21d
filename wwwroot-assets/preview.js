// Live preview player: a <video> fed through MediaSource with the job's init segment and then each finished clip's
// fragmented-MP4 segment, fetched from /jobs/{id}/init.mp4 and /jobs/{id}/seg/{n}. The page only says how many
// segments exist; this file fetches what it has not appended yet, in order, so live viewing, a reconnect and a
// replay after a server restart are the same path. State is kept on the element; data-* attributes mirror it for
// tests (data-appended, data-state).

const players = new WeakMap();

export function attach(video, jobId, mimeType) {
  detach(video);
  if (!window.MediaSource || !MediaSource.isTypeSupported(mimeType)) {
    video.dataset.state = "unsupported";
    video.title = `This browser cannot play ${mimeType} through MediaSource; use the result video when it is done.`;
    return;
  }
  const source = new MediaSource();
  const player = { jobId, mimeType, source, buffer: null, appended: 0, wanted: 0, done: false, busy: false, stopped: false };
  players.set(video, player);
  video.dataset.state = "opening";
  video.dataset.appended = "0";
  video.src = URL.createObjectURL(source);
  source.addEventListener("sourceopen", async () => {
    if (player.stopped) return;
    player.buffer = source.addSourceBuffer(mimeType);
    player.buffer.mode = "segments"; // segments carry absolute times (tfdt)
    await appendFrom(player, `/jobs/${jobId}/init.mp4`);
    video.dataset.state = "ready";
    pump(video, player);
  }, { once: true });
}

export function update(video, segments, done) {
  const player = players.get(video);
  if (!player) return;
  player.wanted = Math.max(player.wanted, segments);
  player.done = done;
  pump(video, player);
}

export function detach(video) {
  const player = players.get(video);
  if (!player) return;
  player.stopped = true;
  players.delete(video);
  try { video.pause(); } catch { }
  URL.revokeObjectURL(video.src);
  video.removeAttribute("src");
  video.load();
  video.dataset.state = "idle";
}

async function pump(video, player) {
  if (player.busy || !player.buffer || player.stopped) return;
  player.busy = true;
  try {
    while (!player.stopped && player.appended < player.wanted) {
      const n = player.appended + 1;
      await appendFrom(player, `/jobs/${player.jobId}/seg/${n}`);
      player.appended = n;
      video.dataset.appended = String(n);
      // Start as soon as the first clip is buffered; later clips keep arriving behind the playhead.
      if (n === 1 && video.paused) {
        video.play().catch(() => { video.dataset.autoplay = "blocked"; });
      }
    }
    if (player.done && !player.stopped && player.appended >= player.wanted && player.source.readyState === "open") {
      player.source.endOfStream();
      video.dataset.state = "ended-stream";
    }
  } catch (e) {
    video.dataset.state = "error";
    video.title = String(e);
    console.error("preview:", e);
  } finally {
    player.busy = false;
  }
  // A segment announced while the last append was in flight.
  if (!player.stopped && player.appended < player.wanted) pump(video, player);
}

async function appendFrom(player, url) {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  if (player.stopped) return;
  await new Promise((resolve, reject) => {
    const buffer = player.buffer;
    const done = () => { buffer.removeEventListener("error", failed); resolve(); };
    const failed = () => { buffer.removeEventListener("updateend", done); reject(new Error(`append of ${url} failed`)); };
    buffer.addEventListener("updateend", done, { once: true });
    buffer.addEventListener("error", failed, { once: true });
    buffer.appendBuffer(bytes);
  });
}
