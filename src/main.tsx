import { createRoot } from 'react-dom/client';
import { createEngine } from './engine';
import { installAutomation } from './automation';
import { init } from './state/page';
import { useStore } from './state/store';
import { decodeState } from './state/urlCodec';
import { startUrlSync } from './state/urlSync';
import { App } from './ui/App';
import './ui/styles.css';

const engine = createEngine();
installAutomation(engine, useStore); // window.lcp.engine, window.lcp.store (tests, scripts)
const link = decodeState(location.hash);
startUrlSync(); // from the first change on, the address bar holds a link to this exact state
init(engine, link.ok ? link.state : null, link.ok ? undefined : link.error, (s) => createEngine(s));
// window.lcp.engine follows the page's engine when its settings change
useStore.subscribe((s) => s.engine && window.lcp && (window.lcp.engine = s.engine));
createRoot(document.getElementById('root')!).render(<App />);
