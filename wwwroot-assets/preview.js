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
  const player = { jobId, mimeType, source, buffer: null, initialised: false, appended: 0, wanted: 0, done: false, busy: false, stopped: false };
  players.set(video, player);
  video.dataset.state = "opening";
  video.dataset.appended = "0";
  video.src = URL.createObjectURL(source);
  source.addEventListener("sourceopen", () => {
    if (player.stopped) return;
    const buffer = source.addSourceBuffer(mimeType);
    buffer.mode = "segments"; // segments carry absolute times (tfdt)
    player.buffer = buffer;
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

// The only place that appends, one append at a time: the init segment first, then each media segment in order. An
// init segment appended anywhere else can be overtaken by a segment announced while its fetch is slow, and a media
// segment ahead of the init segment makes the browser close the MediaSource.
async function pump(video, player) {
  if (player.busy || !player.buffer || player.stopped) return;
  player.busy = true;
  try {
    if (!player.initialised) {
      await appendFrom(player, `/jobs/${player.jobId}/init.mp4`);
      if (player.stopped) return;
      player.initialised = true;
      video.dataset.state = "ready";
    }
    while (!player.stopped && player.appended < player.wanted) {
      const n = player.appended + 1;
      await appendFrom(player, `/jobs/${player.jobId}/seg/${n}`);
      if (player.stopped) return;
      player.appended = n;
      video.dataset.appended = String(n);
      // Start as soon as the first segment is buffered; later ones keep arriving behind the playhead.
      if (n === 1 && video.paused) {
        video.play().catch(() => { video.dataset.autoplay = "blocked"; });
      }
    }
    if (player.done && !player.stopped && player.appended >= player.wanted && player.source.readyState === "open") {
      player.source.endOfStream();
      video.dataset.state = "ended-stream";
    }
  } catch (e) {
    if (player.stopped) return; // detached meanwhile: the element belongs to another player now
    video.dataset.state = "error";
    const media = video.error ? ` (media error ${video.error.code}: ${video.error.message})` : "";
    video.title = `${e}${media}; MediaSource ${player.source.readyState}`;
    console.error("preview:", e, video.error);
    return;
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
