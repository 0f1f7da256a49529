// GOV.UK Frontend's components (error summaries, buttons, password inputs, ...).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
