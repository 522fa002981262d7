console.log('cdp: no commands yet');
