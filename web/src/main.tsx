import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { applyTheme } from './lib/theme';
import './styles/index.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root element missing from index.html');

applyTheme();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
