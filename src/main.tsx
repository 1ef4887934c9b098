import { createRoot } from 'react-dom/client';
import { createEngine } from './engine';
import { installAutomation } from './automation';
import { useStore } from './state/store';
import { App } from './ui/App';
import './ui/styles.css';

const engine = createEngine();
installAutomation(engine, useStore); // window.lcp.engine, window.lcp.store (tests, scripts)
const { init, startUrlSync } = useStore.getState();
startUrlSync(); // from the first change on, the address bar holds a link to this exact state
init(engine, location.hash, (s) => createEngine(s)); // opens the page's link, if it has one
// window.lcp.engine follows the page's engine when its settings change
useStore.subscribe((s) => s.engine && window.lcp && (window.lcp.engine = s.engine));
createRoot(document.getElementById('root')!).render(<App />);
