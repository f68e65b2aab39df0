import React from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';

import { ROUTES } from '../constants';
import { settingsFromJsonData } from './catalog/settings';
import { AlertTemplates } from './pages/AlertTemplates';
import { Overview } from './pages/Overview';

function App({ meta }: AppRootProps) {
  const settings = settingsFromJsonData(meta.jsonData);
  return (
    <Routes>
      <Route path={ROUTES.Alerts} element={<AlertTemplates settings={settings} />} />
      <Route path={ROUTES.Overview} element={<Overview />} />
      <Route path="*" element={<Overview />} />
    </Routes>
  );
}

export default App;
