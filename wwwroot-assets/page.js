// Page-wide keyboard shortcut and the audio waveform's playhead. Everything else on the page is Blazor.

let shortcut = null;

// Ctrl+Enter (or Cmd+Enter) generates, from anywhere on the page, the prompt box included.
export function bindGenerateShortcut(dotnet) {
  unbindGenerateShortcut();
  shortcut = (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.repeat) {
      e.preventDefault();
      // Let a bound text field send its latest value first.
      if (document.activeElement && document.activeElement.dispatchEvent) {
        document.activeElement.dispatchEvent(new Event("change", { bubbles: true }));
      }
      setTimeout(() => dotnet.invokeMethodAsync("GenerateFromShortcut"), 0);
    }
  };
  document.addEventListener("keydown", shortcut);
}

export function unbindGenerateShortcut() {
  if (shortcut) document.removeEventListener("keydown", shortcut);
  shortcut = null;
}

// The waveform under the audio player shows the playhead and seeks on click.
export function followAudio(audio, wave) {
  if (!audio || !wave || wave.dataset.bound === "1") return;
  wave.dataset.bound = "1";
  const paint = () => {
    const fraction = audio.duration > 0 ? audio.currentTime / audio.duration : 0;
    wave.style.setProperty("--played", `${(fraction * 100).toFixed(2)}%`);
  };
  audio.addEventListener("timeupdate", paint);
  audio.addEventListener("seeked", paint);
  wave.addEventListener("click", (e) => {
    if (!(audio.duration > 0)) return;
    const box = wave.getBoundingClientRect();
    audio.currentTime = Math.max(0, Math.min(1, (e.clientX - box.left) / box.width)) * audio.duration;
    audio.play().catch(() => { });
  });
}

// After Generate on a narrow screen the output column sits below the form: bring the progress into view.
export function revealOutput() {
  if (window.innerWidth >= 960) return;
  const output = document.getElementById("la-output");
  if (output) output.scrollIntoView({ behavior: "smooth", block: "start" });
}
