// Words and a Reload button for the connection banner (ConnectionBanner.razor). Blazor sets the
// components-reconnect-* classes on the banner; we read them with a MutationObserver so the banner also says
// when a reconnect succeeded but the last change may have been lost (e.g. a message the server refused).
(() => {
  const banner = document.getElementById('components-reconnect-modal');
  if (!banner) return;
  const text = banner.querySelector('.la-connection-text');
  let wasDown = false;
  let hideTimer = 0;
  let blazorState = '';
  const say = (message, state) => {
    text.textContent = message;
    banner.dataset.state = state;
  };
  const update = () => {
    const c = banner.classList;
    // Our own class changes (la-visible) notify this observer too, and classList.add of a class already there
    // still counts as a change: without this guard the observer fed itself forever and froze the page the moment
    // the banner showed. Only a change of Blazor's components-reconnect-* classes is news.
    const state = [...c].filter(name => name.startsWith('components-reconnect-')).join(' ');
    if (state === blazorState) return;
    blazorState = state;
    window.clearTimeout(hideTimer);
    if (c.contains('components-reconnect-failed') || c.contains('components-reconnect-rejected')
        || c.contains('components-reconnect-resume-failed')) {
      say('The connection to the server ended and could not be resumed. Reload the page to continue; finished jobs are kept.', 'failed');
      banner.classList.add('la-visible');
    } else if (c.contains('components-reconnect-show') || c.contains('components-reconnect-retrying')
        || c.contains('components-reconnect-paused')) {
      wasDown = true;
      say('Connection to the server lost; reconnecting…', 'reconnecting');
      banner.classList.add('la-visible');
    } else if (c.contains('components-reconnect-hide') && wasDown) {
      wasDown = false;
      say('Reconnected. Your last change may not have reached the server: check the form before you generate.', 'reconnected');
      banner.classList.add('la-visible');
      hideTimer = window.setTimeout(() => banner.classList.remove('la-visible'), 10000);
    }
  };
  new MutationObserver(update).observe(banner, { attributes: true, attributeFilter: ['class'] });
  for (const button of document.querySelectorAll('.la-connection-reload')) {
    button.addEventListener('click', () => window.location.reload());
  }
})();
