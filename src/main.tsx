import { createEngine } from './engine/client';
import { installAutomation } from './automation';

installAutomation(createEngine());
