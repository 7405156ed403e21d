// AudioWorklet for the live page: takes the microphone at the context's rate (usually 48 kHz), averages it down to
// 16 kHz mono (a box filter over each output sample's span: enough anti-aliasing for speech) and posts 16-bit PCM
// in 40 ms chunks (640 samples) to the page, which sends them over the WebSocket.
class LiveCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000; // input samples per output sample
    this.acc = 0;                    // sum of the input samples of the output sample being built
    this.count = 0;                  // how many input samples that sum holds (fractional edges included)
    this.chunk = new Int16Array(640);
    this.filled = 0;
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const n = channels[0].length;
    for (let i = 0; i < n; i++) {
      let x = 0;
      for (let c = 0; c < channels.length; c++) x += channels[c][i];
      x /= channels.length;
      // The input sample may straddle the end of the current output sample: split it by weight.
      const room = this.ratio - this.count;
      if (room >= 1) {
        this.acc += x;
        this.count += 1;
        if (this.count >= this.ratio) this.emit();
      } else {
        this.acc += x * room;
        this.count += room;
        this.emit();
        this.acc = x * (1 - room);
        this.count = 1 - room;
      }
    }
    return true;
  }

  emit() {
    const v = Math.max(-1, Math.min(1, this.acc / this.count));
    this.chunk[this.filled++] = v < 0 ? v * 32768 : v * 32767;
    this.acc = 0;
    this.count = 0;
    if (this.filled === this.chunk.length) {
      this.port.postMessage(this.chunk.buffer, [this.chunk.buffer]);
      this.chunk = new Int16Array(640);
      this.filled = 0;
    }
  }
}

registerProcessor("live-capture", LiveCapture);
