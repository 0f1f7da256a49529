// Warns before the session times out (GOV.UK "warn users before a session times out";
// WCAG 2.2.1 Timing Adjustable): a modal dialog with "Stay signed in" a few minutes
// before the idle limit. The server keeps the clock (accounts.middleware), so the
// warning asks it first: activity in another tab keeps this one signed in too.
const dialog = document.getElementById("session-timeout");

if (dialog && typeof dialog.showModal === "function") {
  const statusUrl = dialog.dataset.statusUrl;
  const loginUrl = dialog.dataset.loginUrl;
  let warning = Number(dialog.dataset.warningSeconds);
  const stayForm = dialog.querySelector(".app-timeout__stay");
  const countdown = dialog.querySelector(".app-timeout__countdown");
  const announce = dialog.querySelector(".app-timeout__announce");
  const idleText = dialog.querySelector(".app-timeout__idle");
  const absoluteText = dialog.querySelector(".app-timeout__absolute");
  let timer = null;
  let ticker = null;
  let deadline = 0;

  const minutes = (seconds) => {
    const m = Math.ceil(seconds / 60);
    return m <= 1 ? "1 minute" : `${m} minutes`;
  };

  const signedOut = () => {
    const next = window.location.pathname + window.location.search;
    window.location.assign(`${loginUrl}?next=${encodeURIComponent(next)}`);
  };

  const status = async (method) => {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method === "POST") options.body = new FormData(stayForm);
    const response = await fetch(statusUrl, options);
    if (response.status === 401) {
      signedOut();
      return null;
    }
    return response.ok ? response.json() : null;
  };

  const close = () => {
    clearInterval(ticker);
    if (dialog.open) dialog.close();
  };

  const schedule = (state) => {
    clearTimeout(timer);
    warning = state.warning_seconds;
    const left = Math.min(state.idle_seconds_left, state.absolute_seconds_left);
    deadline = Date.now() + left * 1000;
    // Before the warning: ask again when it is due. During it: ask when time is up (the
    // server then signs the session out, or says another tab kept it alive).
    const wait = left > warning ? left - warning : left + 1;
    timer = setTimeout(check, wait * 1000);
  };

  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    const text = minutes(left);
    if (countdown.textContent !== text) {
      countdown.textContent = text;
      announce.textContent = `You will be signed out in ${text}.`;
    }
  };

  const show = (state) => {
    const absolute = state.absolute_seconds_left <= state.idle_seconds_left;
    idleText.hidden = absolute;
    absoluteText.hidden = !absolute;
    stayForm.hidden = absolute;
    if (!dialog.open) dialog.showModal();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    tick();
  };

  async function check() {
    const state = await status("GET");
    if (!state) return;
    const left = Math.min(state.idle_seconds_left, state.absolute_seconds_left);
    schedule(state);
    if (left <= warning) show(state);
    else close();
  }

  const stay = async (event) => {
    event.preventDefault();
    const state = await status("POST");
    if (!state) return;
    close();
    schedule(state);
  };

  stayForm.addEventListener("submit", stay);
  // Escape means "I'm here", as the pattern recommends, unless only signing in again helps.
  dialog.addEventListener("cancel", (event) => {
    if (!stayForm.hidden) stay(event);
  });
  schedule({
    idle_seconds_left: Number(dialog.dataset.idleSeconds),
    absolute_seconds_left: Number(dialog.dataset.absoluteSeconds),
    warning_seconds: warning,
  });
}
