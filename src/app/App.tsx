import React from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';

import { ROUTES } from '../constants';
import { Overview } from './pages/Overview';

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Overview} element={<Overview />} />
      <Route path="*" element={<Overview />} />
    </Routes>
  );
}

export default App;
